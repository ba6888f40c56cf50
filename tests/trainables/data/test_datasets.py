"""Datasets by name from ../shared/data, by path, and the errors for bad input."""

import pandas as pd
import pytest

from trainables.data.datasets import load_split, num_labels, subset
from trainables.data.models import load_model


def test_sst2_splits_are_read_locally_with_all_rows():
    assert len(load_split("sst2", "train")) == 67349
    dev = load_split("sst2", "validation")
    assert len(dev) == 872 and dev[0]["text"] == "it 's a charming and often affecting journey ."
    assert sum(list(dev["label"])) == 444
    assert len(load_split("sst2", "test")) == 1821


def test_ag_news_test_has_four_zero_based_classes():
    ds = load_split("ag_news", "test")
    assert len(ds) == 7600 and sorted(set(ds["label"])) == [0, 1, 2, 3]
    assert num_labels("ag_news", ds) == 4


def test_a_csv_folder_and_a_single_file(tmp_path):
    pd.DataFrame({"sentence": ["good", "bad", "fine"], "label": [1, 0, 2]}).to_csv(tmp_path / "train.csv", index=False)
    pd.DataFrame({"text": ["ok"], "label": [1]}).to_json(tmp_path / "dev.jsonl", orient="records", lines=True)
    pd.DataFrame({"text": ["meh"], "label": [0]}).to_csv(tmp_path / "test.csv", index=False)
    train = load_split(str(tmp_path), "train")
    assert list(train["text"]) == ["good", "bad", "fine"] and num_labels(str(tmp_path), train) == 3
    assert list(load_split(str(tmp_path), "validation")["text"]) == ["ok"]
    assert len(load_split(str(tmp_path / "train.csv"), "test")) == 1, "a single file: validation and test carved"


def test_missing_splits_are_carved_from_train_disjoint_and_always_the_same(tmp_path):
    texts = [f"sentence number {i}" for i in range(200)]
    pd.DataFrame({"text": texts, "label": [i % 2 for i in range(200)]}).to_csv(tmp_path / "all.csv", index=False)
    single = str(tmp_path / "all.csv")
    parts = {s: list(load_split(single, s)["text"]) for s in ("train", "validation", "test")}
    assert (len(parts["train"]), len(parts["validation"]), len(parts["test"])) == (160, 20, 20)
    assert set(parts["train"]) | set(parts["validation"]) | set(parts["test"]) == set(texts)
    assert not set(parts["train"]) & set(parts["validation"]) and not set(parts["validation"]) & set(parts["test"])
    assert parts["validation"] == list(load_split(single, "validation")["text"])
    folder = tmp_path / "f"
    folder.mkdir()
    pd.DataFrame({"text": texts, "label": [i % 2 for i in range(200)]}).to_csv(folder / "train.csv", index=False)
    pd.DataFrame({"text": ["t"], "label": [0]}).to_csv(folder / "test.csv", index=False)
    assert list(load_split(str(folder), "test")["text"]) == ["t"], "a folder's own test file is used"
    assert len(load_split(str(folder), "validation")) == 20 and len(load_split(str(folder), "train")) == 180


def test_subset_is_seeded():
    ds = load_split("sst2", "validation")
    assert list(subset(ds, 10, 1)["text"]) == list(subset(ds, 10, 1)["text"]) != list(subset(ds, 10, 2)["text"])
    assert len(subset(ds, 0, 1)) == 872


@pytest.mark.parametrize(
    "setup, message",
    [
        (
            "unknown",
            r"'dataset' = 'no-such-set' is unknown: use one of sst2, rte, qnli, mnli, qqp, ag_news, imdb or a path",
        ),
        ("empty", r"is empty"),
        ("nolabel", r"has no 'label' column"),
        ("notext", r"has no text column"),
        ("badlabel", r"column 'label' must hold integers"),
    ],
)
def test_bad_datasets_are_named(setup, message, tmp_path):
    frames = {
        "empty": pd.DataFrame({"text": [], "label": []}),
        "nolabel": pd.DataFrame({"text": ["a"]}),
        "notext": pd.DataFrame({"words": ["a"], "label": [0]}),
        "badlabel": pd.DataFrame({"text": ["a", "b"], "label": ["pos", 1]}),
    }  # numbers and names mixed
    name = "no-such-set"
    if setup in frames:
        frames[setup].to_csv(tmp_path / "d.csv", index=False)
        name = str(tmp_path / "d.csv")
    with pytest.raises(ValueError, match=message):
        load_split(name, "train")


def test_a_named_dataset_missing_offline_says_where_it_looked(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(
        ValueError, match="dataset 'imdb' split 'train' is not in .* and the Hugging Face hub could not"
    ):
        load_split("imdb", "train")


def test_missing_data_dir_is_named():
    with pytest.raises(ValueError, match="'data_dir' = '/no/such/folder' is not a folder"):
        load_split("sst2", "train", "/no/such/folder")


def test_unknown_model_is_named(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ValueError, match="'model' = 'no-such/model' could not be loaded"):
        load_model("no-such/model", 2)


def test_packaged_minilm_loads_offline():
    model = load_model("minilm", 2)
    assert model.config.num_hidden_layers == 6 and model.config.intermediate_size == 1536
