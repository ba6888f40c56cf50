"""The named datasets, one spec each: where its splits are read from locally (file and reader), its hub id
and split names, how many classes it has and what its two texts are called.  Adding a dataset is one
`DatasetSpec` in `DATASETS` (tested as adding an attack is)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from trainables.data.dataset_tables import read_file

SPLITS = ("train", "validation", "test")
Reader = Callable[[Path], pd.DataFrame]


def read_sst2(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, sep="\t", quoting=csv.QUOTE_NONE, keep_default_na=False)
    return frame.rename(columns={"sentence": "text"})


def read_ag_news(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, header=None, names=["label", "title", "description"], keep_default_na=False)
    text = (frame["title"] + " " + frame["description"]).str.replace("\\n", " ", regex=False)
    return pd.DataFrame({"text": text, "label": frame["label"] - 1})


def read_glue_pairs(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", quoting=csv.QUOTE_NONE, keep_default_na=False).drop(
        columns=["index"], errors="ignore"
    )


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    num_labels: int
    local: dict[str, tuple[str, Reader]] = field(default_factory=dict)  # split -> (file under the data folder, reader)
    hub: tuple[str, str | None] | None = None  # (hub id, its configuration) when the hub has it
    hub_splits: dict[str, str] = field(default_factory=dict)  # our split -> the hub's
    splits: tuple[str, ...] = SPLITS  # the splits the source has; the others are carved from train
    pair: tuple[str, str] | None = None  # a sentence pair's column names


DATASETS = {
    spec.name: spec
    for spec in (
        DatasetSpec(
            "sst2",
            2,
            {
                "train": ("sst2/train.tsv", read_sst2),
                "validation": ("sst2/dev.tsv", read_sst2),
                "test": ("sst2/test_labelled.tsv", read_sst2),
            },
            ("stanfordnlp/sst2", None),
            {"validation": "validation", "train": "train"},
        ),
        DatasetSpec(
            "rte",
            2,
            {
                "train": ("rte/train.tsv", read_glue_pairs),
                "validation": ("rte/dev.tsv", read_glue_pairs),
                "test": ("rte/test.tsv", read_glue_pairs),
            },
            ("nyu-mll/glue", "rte"),
            {"train": "train", "validation": "validation"},
            pair=("sentence1", "sentence2"),
        ),
        DatasetSpec(
            "qnli",
            2,
            hub=("nyu-mll/glue", "qnli"),
            hub_splits={"train": "train", "validation": "validation"},
            splits=("train", "validation"),
            pair=("question", "sentence"),
        ),
        DatasetSpec(
            "mnli",
            3,
            hub=("nyu-mll/glue", "mnli"),
            hub_splits={"train": "train", "validation": "validation_matched"},
            splits=("train", "validation"),
            pair=("premise", "hypothesis"),
        ),
        DatasetSpec(
            "qqp",
            2,
            hub=("nyu-mll/glue", "qqp"),
            hub_splits={"train": "train", "validation": "validation"},
            splits=("train", "validation"),
            pair=("question1", "question2"),
        ),
        DatasetSpec(
            "ag_news",
            4,
            {"train": ("ag_news/train.csv", read_ag_news), "test": ("ag_news/test.csv", read_ag_news)},
            ("fancyzhx/ag_news", None),
            {"train": "train", "test": "test"},
            ("train", "test"),
        ),
        DatasetSpec(
            "imdb",
            2,
            {"train": ("imdb/train.csv", read_file), "test": ("imdb/test.csv", read_file)},
            ("stanfordnlp/imdb", None),
            {"train": "train", "test": "test"},
            ("train", "test"),
        ),
    )
}
