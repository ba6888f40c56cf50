"""Inputs the driver resolved once and handed to the trials through Ray's object store.

On a cluster a trial may run on a node that has neither `../shared/data` nor a dataset file given
by path, so the driver reads every split a sweep can use, and the synonym table of an attack that
needs one, before anything starts (`platform/preflight.py`), and each trial installs
them here first thing; `load_split` and `load_neighbours` look here before they look on disk.
The driver also hands over the environment variables that hold a secret (`env`), which must not
travel in Ray's runtime_env (its agent logs it to disk).
"""

from __future__ import annotations

import os

import datasets

from trainables.data.dataset_tables import label_names, pair_columns

_PROVIDED: dict = {"splits": {}, "synonyms": None}


def install(inputs: dict | None) -> None:
    if inputs:
        os.environ.update(inputs.get("env") or {})
        _PROVIDED["splits"].update(inputs.get("splits", {}))
        if inputs.get("synonyms") is not None:
            _PROVIDED["synonyms"] = inputs["synonyms"]


def key(dataset: str, split: str, data_dir: str) -> str:
    return f"{dataset}|{split}|{data_dir}"


def split(dataset: str, split_name: str, data_dir: str) -> dict | None:
    """The split as `pack` left it (`datasets.load_split` makes it a Dataset again), or None."""
    return _PROVIDED["splits"].get(key(dataset, split_name, data_dir))


def synonyms() -> dict | None:
    return _PROVIDED["synonyms"]


def pack(ds: datasets.Dataset) -> dict:
    """A split as plain data: its table, class names and pair columns (see dataset_tables.make_dataset)."""
    return {"frame": ds.to_pandas(), "names": label_names(ds), "pair": pair_columns(ds)}
