"""Every named space passes preflight and `--dry-run` as shipped: its attack sample fits the splits it
attacks, its max_length fits its model, and the dry run prints a GPU estimate.  Offline, the paper
spaces' bert-base-uncased is replaced by the same shapes with random weights (`random-bert-base`) and
the hub-only training sets by local files of the real sizes' order (only their row counts matter)."""

import csv

import pytest

from platform.sweep import main
from search_spaces import named_spaces
from trainables.data.datasets import REPO_ROOT

SHARED = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("data")
    (root / "sst2").symlink_to(SHARED / "sst2")
    (root / "ag_news").mkdir()
    (root / "ag_news" / "test.csv").symlink_to(SHARED / "ag_news" / "test.csv")
    with open(root / "ag_news" / "train.csv", "w", newline="") as f:  # the original format: class, title, text
        csv.writer(f).writerows([(1 + k % 4, f"title {k}", f"story number {k}") for k in range(12000)])
    (root / "imdb").mkdir()
    for split in ("train", "test"):
        with open(root / "imdb" / f"{split}.csv", "w", newline="") as f:
            csv.writer(f).writerows([("text", "label")] + [(f"review {k} of a film", k % 2) for k in range(12000)])
    return root


@pytest.mark.parametrize("name", named_spaces())
def test_every_named_space_dry_runs(name, data_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    offline = (
        ["--set", "model=random-bert-base", "--set", f"data_dir={data_dir}", "--gpus-per-trial", "0"]
        if name.endswith("bert-base")
        else []
    )
    argv = [
        "--space",
        name,
        "--dry-run",
        "--storage-path",
        str(tmp_path / "s"),
        "--mlflow-uri",
        f"sqlite:///{tmp_path / 'm.db'}",
        *offline,
    ]
    assert main(argv) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "GPU time   ESTIMATE from" in out and "attacks (not estimated)" in out
    assert not (tmp_path / "s").exists() and not (tmp_path / "m.db").exists(), "a dry run creates nothing"
    if name == "sst2-bert-base":  # the space as it was: 1000 sentences of an 872-row split
        assert main(argv + ["--set", "attack_n=1000"]) == 2
        assert (
            "'attack_n' = 1000 is larger than dataset 'sst2' split 'validation' (872 rows)" in capsys.readouterr().err
        )
