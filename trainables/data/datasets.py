"""Datasets by name (`dataset_specs.py`) or by path, split by split.

Named datasets are read from a local data folder first (the `data_dir` parameter, then the
EARLYROBUST_DATA_DIR environment variable, then `../shared/data` beside the repository) and fall
back to the Hugging Face hub.  Every split comes back as a `datasets.Dataset` (`dataset_tables.py`).

Selection and reporting need two splits no training touched: `validation` (what trials are scored
and chosen on) and `test` (what the chosen tickets are reported on).  A source that lacks one gets
it carved from its train split: a seeded random 10% of train (at most 5,000 rows, the same rows
every time), which the train split then no longer holds.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import datasets
import numpy as np

from trainables.data import provided
from trainables.data.dataset_specs import DATASETS, SPLITS
from trainables.data.dataset_tables import (
    from_frame,
    label_names,
    make_dataset,
    pair_columns,
    read_file,
    read_table,
    split_file,
)
from trainables.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parents[2]
CARVE_FRACTION, CARVE_MAX, CARVE_SEED = 0.1, 5000, 0


def data_dir(explicit: str = "") -> Path | None:
    if explicit:
        if not Path(explicit).is_dir():
            raise ConfigError(
                f"parameter 'data_dir' = {explicit!r} is not a folder: give the folder holding sst2/, ag_news/ ..."
            )
        return Path(explicit)
    for candidate in (os.environ.get("EARLYROBUST_DATA_DIR", ""), str(REPO_ROOT.parent / "shared" / "data")):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def load_split(dataset: str, split: str, data_dir_option: str = "") -> datasets.Dataset:
    """Load one split of a dataset given by name or path (carving what the source lacks, see above)."""
    if split not in SPLITS:
        raise ConfigError(f"split {split!r} is unknown: use one of {', '.join(SPLITS)}")
    packed = provided.split(dataset, split, data_dir_option)
    if packed is not None:  # resolved by the driver and shipped through Ray (see provided.py)
        return make_dataset(packed["frame"], packed["names"], packed["pair"])
    carved = [s for s in ("validation", "test") if not has_split(dataset, s)]
    if split != "train" and split not in carved:
        return _own_split(dataset, split, data_dir_option)
    train = _own_split(dataset, "train", data_dir_option)
    if not carved:
        return train
    order = np.random.default_rng(CARVE_SEED).permutation(len(train))
    size = max(1, min(CARVE_MAX, int(CARVE_FRACTION * len(train))))
    blocks = {name: order[k * size : (k + 1) * size] for k, name in enumerate(carved)}
    rows = blocks.get(split, order[len(carved) * size :])
    if len(rows) == 0:
        raise ConfigError(
            f"dataset {dataset} is too small to carve a {', '.join(carved)} split from its "
            f"{len(train)} training rows: give {'/'.join(carved)} files"
        )
    return train.select(sorted(rows.tolist()))


def has_split(dataset: str, split: str) -> bool:
    """Whether the source itself holds the split (else it is carved from train)."""
    if dataset in DATASETS:
        return split in DATASETS[dataset].splits
    path = Path(dataset)
    if path.is_dir():
        try:
            split_file(path, split)
            return True
        except ConfigError:
            return False
    return split == "train"


def _own_split(dataset: str, split: str, data_dir_option: str = "") -> datasets.Dataset:
    if dataset in DATASETS:
        root = data_dir(data_dir_option)
        local = DATASETS[dataset].local.get(split)
        if root is not None and local is not None and (root / local[0]).is_file():
            frame = read_table(local[1], root / local[0])
            ds = from_frame(frame, f"'{dataset}' ({root / local[0]})", _train_names(dataset, data_dir_option, split))
        else:
            ds = _from_hub(dataset, split, root)
        if pair_columns(ds) != DATASETS[dataset].pair:
            raise ConfigError(
                f"dataset '{dataset}' split '{split}' has the texts {pair_columns(ds) or ('text',)}, "
                f"not {DATASETS[dataset].pair or ('text',)}: check its files"
            )
        return ds
    path = Path(dataset)
    if path.is_dir():
        return from_frame(read_table(read_file, split_file(path, split)), str(path), _train_names(dataset, "", split))
    if path.is_file():
        return from_frame(read_table(read_file, path), str(path))
    raise ConfigError(
        f"parameter 'dataset' = {dataset!r} is unknown: use one of {', '.join(DATASETS)} "
        "or a path to a folder or a .csv/.tsv/.json/.jsonl/.parquet file"
    )


def _train_names(dataset: str, data_dir_option: str, split: str):
    """What reads the train split's class names (nothing for the train split itself)."""
    return None if split == "train" else lambda: _names_of_train(dataset, data_dir_option)


@lru_cache(maxsize=16)
def _names_of_train(dataset: str, data_dir_option: str) -> list[str] | None:
    names = label_names(_own_split(dataset, "train", data_dir_option))
    return list(names) if names else None


def _from_hub(dataset: str, split: str, root: Path | None) -> datasets.Dataset:
    spec = DATASETS[dataset]
    hub_id, config = spec.hub
    try:
        ds = datasets.load_dataset(hub_id, *([config] if config else []), split=spec.hub_splits[split])
    except Exception as exc:  # offline, or the hub refused
        where = f"in {root}" if root else "in any local data folder"
        raise ConfigError(
            f"dataset '{dataset}' split '{split}' is not {where} and the Hugging Face hub "
            f"could not provide it ({type(exc).__name__}); set 'data_dir' or go online"
        ) from None
    frame = ds.to_pandas().drop(columns=["idx"], errors="ignore")
    names = None
    if config is not None and isinstance(ds.features.get("label"), datasets.ClassLabel):
        names = list(ds.features["label"].names)  # GLUE pair tasks: the hub's class names, in its order
        frame["label"] = [names[i] for i in frame["label"]]
    return from_frame(frame, f"'{dataset}' (hub {hub_id})", names)


def num_labels(dataset: str, split_data: datasets.Dataset) -> int:
    """Classes of the head: one per class name of string labels, the task's own for a named dataset,
    else the largest label + 1."""
    names = label_names(split_data)
    if names:
        return len(names)
    return DATASETS[dataset].num_labels if dataset in DATASETS else int(max(list(split_data["label"]))) + 1


def subset(ds: datasets.Dataset, size: int, seed: int) -> datasets.Dataset:
    """The first `size` rows of a seeded shuffle (all rows when size is 0 or too large)."""
    if size <= 0 or size >= len(ds):
        return ds
    return ds.shuffle(seed=seed).select(range(size))
