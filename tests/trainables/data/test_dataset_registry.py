"""A dataset is one spec in DATASETS: its local files and reader, classes, texts; with that one entry the
parameter table, the sweep's pre-checks and a real tiny trial take it by name."""

import pandas as pd
import pytest

from trainables.data.dataset_specs import DATASETS, DatasetSpec
from trainables.data.datasets import load_split, num_labels
from trainables.pipeline import run_trial


def read_stars(path):
    """Reviews with 1-5 stars: 4 and 5 are positive."""
    frame = pd.read_csv(path)
    return pd.DataFrame({"text": frame["review_body"], "label": (frame["stars"] >= 4).astype(int)})


def test_a_dataset_is_one_spec(tmp_path, monkeypatch):
    folder = tmp_path / "data" / "stars"
    folder.mkdir(parents=True)
    words = ["great", "awful", "fine", "dull", "superb", "bad"]
    for split, rows in (("train", 64), ("dev", 16), ("test", 16)):
        lines = [f"{words[i % 6]} film number {i},{5 if i % 2 == 0 else 1}" for i in range(rows)]
        (folder / f"{split}.csv").write_text("review_body,stars\n" + "\n".join(lines) + "\n")
    spec = DatasetSpec(
        "stars",
        2,
        {
            "train": ("stars/train.csv", read_stars),
            "validation": ("stars/dev.csv", read_stars),
            "test": ("stars/test.csv", read_stars),
        },
    )
    with pytest.raises(ValueError, match="'dataset' = 'stars' is unknown"):
        load_split("stars", "train", str(tmp_path / "data"))
    monkeypatch.setitem(DATASETS, "stars", spec)  # the one registry line
    train = load_split("stars", "train", str(tmp_path / "data"))
    assert len(train) == 64 and num_labels("stars", train) == 2 and sum(train["label"]) == 32
    result = run_trial(
        {
            "model": "tiny-bert",
            "dataset": "stars",
            "data_dir": str(tmp_path / "data"),
            "max_length": 16,
            "batch_size": 8,
            "search_epochs": 0.5,
            "check_interval": 0.25,
            "ft_epochs": 1,
            "attack_n": 8,
            "attack": "deepwordbug",
        },
        tmp_path / "trial",
    )
    assert result["attack_n"] == 8 and 0 <= result["aua"] <= result["clean_acc"] <= 1


def test_a_named_datasets_files_must_hold_its_texts(tmp_path, monkeypatch):
    folder = tmp_path / "rte"
    folder.mkdir()
    (folder / "train.tsv").write_text("index\tsentence\tlabel\n0\ta film\tentailment\n")
    with pytest.raises(
        ValueError, match="dataset 'rte' split 'train' has the texts \\('text',\\), not \\('sentence1', 'sentence2'\\)"
    ):
        load_split("rte", "train", str(tmp_path))
