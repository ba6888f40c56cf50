"""Text-classification datasets by name (sst2, ag_news, imdb) or by path.

Named datasets are read from a local data folder first (the `data_dir` parameter, then the
EARLYROBUST_DATA_DIR environment variable, then `../shared/data` beside the repository) and fall
back to the Hugging Face hub when they are not local.  Every split comes back as a
`datasets.Dataset` with a `text` column and an integer `label` column; a sentence-pair source (two
text columns: sentence1/sentence2, premise/hypothesis, question/sentence, question1/question2) also
has `text_pair`, the second text, and remembers its column names (`pair_columns`: the attacks'
column rules depend on them).  String labels (`entailment`) become class ids: GLUE's order for
GLUE's label sets, sorted otherwise, always from the train split, so that every split agrees;
`label_names` gives them back (they travel with the ticket as `id2label`).

Selection and reporting need two splits no training touched: `validation` (what trials are scored
and chosen on) and `test` (what the chosen tickets are reported on).  A source that lacks one (IMDB
and AG News have no validation split; a folder may hold only train.csv; a single file is only a
train split) gets it carved from its train split: a seeded random 10% of train (at most 5,000
rows, the same rows every time), which the train split then no longer holds.  SST-2 has all three
(GLUE dev as validation, the labelled sentence-level test set as test).
"""
from __future__ import annotations

import csv
import json
import os
from functools import lru_cache
from pathlib import Path

import datasets
import numpy as np
import pandas as pd

from trainables.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parents[2]
SPLITS = ("train", "validation", "test")
FILE_SUFFIXES = (".tsv", ".csv", ".json", ".jsonl", ".parquet")


def _read_sst2(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, sep="\t", quoting=csv.QUOTE_NONE, keep_default_na=False)
    return frame.rename(columns={"sentence": "text"})


def _read_ag_news(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, header=None, names=["label", "title", "description"], keep_default_na=False)
    text = (frame["title"] + " " + frame["description"]).str.replace("\\n", " ", regex=False)
    return pd.DataFrame({"text": text, "label": frame["label"] - 1})


def _read_glue_pairs(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", quoting=csv.QUOTE_NONE, keep_default_na=False).drop(columns=["index"], errors="ignore")


# name -> (split -> (relative file, reader)), hub id, hub split names
LOCAL = {
    "rte": {"train": ("rte/train.tsv", _read_glue_pairs), "validation": ("rte/dev.tsv", _read_glue_pairs),
            "test": ("rte/test.tsv", _read_glue_pairs)},
    "sst2": {"train": ("sst2/train.tsv", _read_sst2), "validation": ("sst2/dev.tsv", _read_sst2),
             "test": ("sst2/test_labelled.tsv", _read_sst2)},
    "ag_news": {"train": ("ag_news/train.csv", _read_ag_news), "test": ("ag_news/test.csv", _read_ag_news)},
    "imdb": {"train": ("imdb/train.csv", lambda path: _read_file(path)), "test": ("imdb/test.csv", lambda path: _read_file(path))},
}
HUB = {"sst2": ("stanfordnlp/sst2", {"validation": "validation", "train": "train"}),
       "rte": ("nyu-mll/glue", {"train": "train", "validation": "validation"}, "rte"),
       "qnli": ("nyu-mll/glue", {"train": "train", "validation": "validation"}, "qnli"),
       "mnli": ("nyu-mll/glue", {"train": "train", "validation": "validation_matched"}, "mnli"),
       "qqp": ("nyu-mll/glue", {"train": "train", "validation": "validation"}, "qqp"),
       "ag_news": ("fancyzhx/ag_news", {"train": "train", "test": "test"}),
       "imdb": ("stanfordnlp/imdb", {"train": "train", "test": "test"})}
OWN_SPLITS = {"sst2": SPLITS, "ag_news": ("train", "test"), "imdb": ("train", "test"), "rte": SPLITS,
              "qnli": ("train", "validation"), "mnli": ("train", "validation"), "qqp": ("train", "validation")}
CARVE_FRACTION, CARVE_MAX, CARVE_SEED = 0.1, 5000, 0
NUM_LABELS = {"sst2": 2, "ag_news": 4, "imdb": 2, "rte": 2, "qnli": 2, "mnli": 3, "qqp": 2}
PAIRS = (("sentence1", "sentence2"), ("premise", "hypothesis"), ("question", "sentence"), ("question1", "question2"))
TEXTS = ("text", "sentence", "review")
# GLUE's class order for its string label sets (RTE and QNLI, MNLI); any other set is sorted
GLUE_ORDER = (("entailment", "not_entailment"), ("entailment", "neutral", "contradiction"))


def data_dir(explicit: str = "") -> Path | None:
    if explicit:
        if not Path(explicit).is_dir():
            raise ConfigError(f"parameter 'data_dir' = {explicit!r} is not a folder: give the folder holding sst2/, ag_news/ ...")
        return Path(explicit)
    for candidate in (os.environ.get("EARLYROBUST_DATA_DIR", ""), str(REPO_ROOT.parent / "shared" / "data")):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def _columns(frame: pd.DataFrame, where: str) -> tuple[str, ...]:
    """The text column, or the two of a sentence pair; refused when neither is there or it is unclear."""
    pairs = [pair for pair in PAIRS if set(pair) <= set(frame.columns)]
    if len(pairs) > 1:
        raise ConfigError(f"dataset {where} has the columns of more than one sentence pair ({pairs}): keep one pair")
    if pairs:
        return pairs[0]
    halves = [c for pair in PAIRS for c in pair if c in frame.columns and c not in TEXTS]
    if halves:
        raise ConfigError(f"dataset {where} has '{halves[0]}' without its pair: a sentence-pair file needs both of "
                          f"{' / '.join('+'.join(p) for p in PAIRS)}; a single-text file a 'text' column")
    text = next((c for c in TEXTS if c in frame.columns), None)
    if text is None:
        raise ConfigError(f"dataset {where} has no text column: name one 'text' or 'sentence', or give a sentence "
                          f"pair ({', '.join('/'.join(p) for p in PAIRS)}) (columns: {list(frame.columns)})")
    return (text,)


def label_order(values) -> list[str]:
    """Class names in id order, one class per name the data holds: GLUE's order for a subset of a GLUE
    label set ({entailment, contradiction} is a two-class task), sorted otherwise."""
    found = sorted({str(v) for v in values})
    return next(([n for n in order if n in found] for order in GLUE_ORDER if set(found) <= set(order)), found)


def _from_frame(frame: pd.DataFrame, where: str, names=None) -> datasets.Dataset:
    """A split from a table; `names`: the class names of the train split when its labels are strings
    (or a function that reads them, called only then)."""
    columns = _columns(frame, where)
    if "label" not in frame.columns:
        raise ConfigError(f"dataset {where} has no 'label' column (columns: {list(frame.columns)})")
    if len(frame) == 0:
        raise ConfigError(f"dataset {where} is empty: it needs at least one labelled row")
    labels = pd.to_numeric(frame["label"], errors="coerce")
    if labels.isna().all():  # string labels: class ids by the train split's names
        names = (names() if callable(names) else names) or label_order(frame["label"])
        unknown = sorted(set(frame["label"].astype(str)) - set(names))
        if unknown:
            raise ConfigError(f"dataset {where}: label {unknown[0]!r} is not among the training labels "
                              f"({', '.join(names)})")
        labels = frame["label"].astype(str).map({n: i for i, n in enumerate(names)})
    elif labels.isna().any() or (labels < 0).any() or (labels % 1 != 0).any():
        raise ConfigError(f"dataset {where}: column 'label' must hold integers 0..C-1 or class names (strings)")
    else:
        names = None
    out = pd.DataFrame({"text": frame[columns[0]].astype(str), "label": labels.astype(int)})
    if len(columns) == 2:
        out["text_pair"] = frame[columns[1]].astype(str)
    return make_dataset(out, names, columns if len(columns) == 2 else None)


def make_dataset(frame: pd.DataFrame, names: list[str] | None, pair: tuple | None) -> datasets.Dataset:
    """A Dataset of `text` (+ `text_pair`) and `label`, keeping the class names and the pair's column names."""
    features = datasets.Features({"text": datasets.Value("string"), "label": datasets.ClassLabel(names=names) if names
                                  else datasets.Value("int64"), **({"text_pair": datasets.Value("string")} if pair else {})})
    info = datasets.DatasetInfo(description=json.dumps({"pair_columns": list(pair) if pair else None}), features=features)
    return datasets.Dataset.from_pandas(frame[list(features)], features=features, info=info, preserve_index=False)


def label_names(ds: datasets.Dataset) -> list[str] | None:
    """The class names of a split whose source labels were strings (id order), else None."""
    feature = ds.features.get("label")
    return list(feature.names) if isinstance(feature, datasets.ClassLabel) else None


def pair_columns(ds: datasets.Dataset) -> tuple[str, str] | None:
    """The source's column names of a sentence-pair split (`("premise", "hypothesis")`), else None."""
    if "text_pair" not in ds.column_names:
        return None
    try:
        return tuple(json.loads(ds.info.description or "{}").get("pair_columns") or ("text", "text_pair"))
    except json.JSONDecodeError:
        return ("text", "text_pair")


def _read(reader, path: Path) -> pd.DataFrame:
    """`reader(path)`, with a file that cannot be decoded or parsed refused in one line."""
    try:
        return reader(path)
    except ConfigError:
        raise
    except (UnicodeDecodeError, ValueError, OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise ConfigError(f"dataset file {path} cannot be read as {path.suffix.lstrip('.') or 'a table'} ({reason}): "
                          "give UTF-8 text (.csv/.tsv/.json/.jsonl with a header or keys) or a real .parquet file") from None


def _read_file(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix == ".tsv":
        return pd.read_csv(path, sep="\t", quoting=csv.QUOTE_NONE, keep_default_na=False)
    if suffix == ".csv":
        return pd.read_csv(path, keep_default_na=False)
    if suffix in (".json", ".jsonl"):
        return pd.read_json(path, lines=suffix == ".jsonl")
    if suffix == ".parquet":
        return pd.read_parquet(path)
    raise ConfigError(f"dataset file {path} has an unsupported type: use one of {', '.join(FILE_SUFFIXES)}")


def _split_file(folder: Path, split: str) -> Path:
    names = {"validation": ("validation", "dev", "valid", "val"), "train": ("train",), "test": ("test",)}[split]
    for name in names:
        for suffix in FILE_SUFFIXES:
            if (folder / f"{name}{suffix}").is_file():
                return folder / f"{name}{suffix}"
    raise ConfigError(f"dataset folder {folder} has no {split} file: add one of "
                      f"{', '.join(n + '.csv/.tsv/.json/.jsonl/.parquet' for n in names)}")


def load_split(dataset: str, split: str, data_dir_option: str = "") -> datasets.Dataset:
    """Load one split of a dataset given by name or path (carving what the source lacks, see above)."""
    if split not in SPLITS:
        raise ConfigError(f"split {split!r} is unknown: use one of {', '.join(SPLITS)}")
    from trainables.data import provided

    given = provided.split(dataset, split, data_dir_option)
    if given is not None:  # resolved by the driver and shipped through Ray (see provided.py)
        return given
    carved = [s for s in ("validation", "test") if not has_split(dataset, s)]
    if split != "train" and split not in carved:
        return _own_split(dataset, split, data_dir_option)
    train = _own_split(dataset, "train", data_dir_option)
    if not carved:
        return train
    order = np.random.default_rng(CARVE_SEED).permutation(len(train))
    size = max(1, min(CARVE_MAX, int(CARVE_FRACTION * len(train))))
    blocks = {name: order[k * size:(k + 1) * size] for k, name in enumerate(carved)}
    rows = blocks.get(split, order[len(carved) * size:])
    if len(rows) == 0:
        raise ConfigError(f"dataset {dataset} is too small to carve a {', '.join(carved)} split from its "
                          f"{len(train)} training rows: give {'/'.join(carved)} files")
    return train.select(sorted(rows.tolist()))


def has_split(dataset: str, split: str) -> bool:
    """Whether the source itself holds the split (else it is carved from train)."""
    if dataset in OWN_SPLITS:
        return split in OWN_SPLITS[dataset]
    path = Path(dataset)
    if path.is_dir():
        try:
            _split_file(path, split)
            return True
        except ConfigError:
            return False
    return split == "train"


def _own_split(dataset: str, split: str, data_dir_option: str = "") -> datasets.Dataset:
    if dataset in LOCAL or dataset in HUB:
        root = data_dir(data_dir_option)
        local = LOCAL.get(dataset, {}).get(split)
        if root is not None and local is not None and (root / local[0]).is_file():
            frame = _read(local[1], root / local[0])
            return _from_frame(frame, f"'{dataset}' ({root / local[0]})", _train_names(dataset, data_dir_option, split))
        return _from_hub(dataset, split, root)
    path = Path(dataset)
    if path.is_dir():
        return _from_frame(_read(_read_file, _split_file(path, split)), str(path), _train_names(dataset, "", split))
    if path.is_file():
        return _from_frame(_read(_read_file, path), str(path))
    raise ConfigError(f"parameter 'dataset' = {dataset!r} is unknown: use one of {', '.join(HUB)} "
                      "or a path to a folder or a .csv/.tsv/.json/.jsonl/.parquet file")


def _train_names(dataset: str, data_dir_option: str, split: str):
    """What reads the train split's class names (nothing for the train split itself)."""
    return None if split == "train" else lambda: _names_of_train(dataset, data_dir_option)


@lru_cache(maxsize=16)
def _names_of_train(dataset: str, data_dir_option: str) -> list[str] | None:
    names = label_names(_own_split(dataset, "train", data_dir_option))
    return list(names) if names else None


def _from_hub(dataset: str, split: str, root: Path | None) -> datasets.Dataset:
    hub_id, split_names, *subset_name = HUB[dataset]
    try:
        ds = datasets.load_dataset(hub_id, *subset_name, split=split_names[split])
    except Exception as exc:  # offline, or the hub refused
        where = f"in {root}" if root else "in any local data folder"
        raise ConfigError(f"dataset '{dataset}' split '{split}' is not {where} and the Hugging Face hub "
                          f"could not provide it ({type(exc).__name__}); set 'data_dir' or go online") from None
    frame = ds.to_pandas().drop(columns=["idx"], errors="ignore")
    names = None
    if len(HUB[dataset]) == 3 and isinstance(ds.features.get("label"), datasets.ClassLabel):
        names = list(ds.features["label"].names)   # GLUE pair tasks: the hub's class names, in its order
        frame["label"] = [names[i] for i in frame["label"]]
    return _from_frame(frame, f"'{dataset}' (hub {hub_id})", names)


def num_labels(dataset: str, split_data: datasets.Dataset) -> int:
    """Classes of the head: one per class name of string labels, the task's own for a named dataset,
    else the largest label + 1."""
    names = label_names(split_data)
    if names:
        return len(names)
    return NUM_LABELS.get(dataset, int(max(list(split_data["label"]))) + 1)


def subset(ds: datasets.Dataset, size: int, seed: int) -> datasets.Dataset:
    """The first `size` rows of a seeded shuffle (all rows when size is 0 or too large)."""
    if size <= 0 or size >= len(ds):
        return ds
    return ds.shuffle(seed=seed).select(range(size))
