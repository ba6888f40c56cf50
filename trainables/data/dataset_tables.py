"""Tables to datasets: files of any supported format read into a `datasets.Dataset` with a `text`
column (and `text_pair` for a sentence pair), integer `label`s, and the class names of string labels.

String labels (`entailment`) become class ids by the train split's names: GLUE's order for a subset
of a GLUE label set, sorted otherwise (`label_order`); a sentence-pair source remembers its column
names (`pair_columns`: the attacks' column rules depend on them).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import datasets
import pandas as pd

from trainables.errors import ConfigError

FILE_SUFFIXES = (".tsv", ".csv", ".json", ".jsonl", ".parquet")
PAIRS = (("sentence1", "sentence2"), ("premise", "hypothesis"), ("question", "sentence"), ("question1", "question2"))
TEXTS = ("text", "sentence", "review")
# GLUE's class order for its string label sets (RTE and QNLI, MNLI); any other set is sorted
GLUE_ORDER = (("entailment", "not_entailment"), ("entailment", "neutral", "contradiction"))


def _columns(frame: pd.DataFrame, where: str) -> tuple[str, ...]:
    """The text column, or the two of a sentence pair; refused when neither is there or it is unclear."""
    pairs = [pair for pair in PAIRS if set(pair) <= set(frame.columns)]
    if len(pairs) > 1:
        raise ConfigError(f"dataset {where} has the columns of more than one sentence pair ({pairs}): keep one pair")
    if pairs:
        return pairs[0]
    halves = [c for pair in PAIRS for c in pair if c in frame.columns and c not in TEXTS]
    if halves:
        raise ConfigError(
            f"dataset {where} has '{halves[0]}' without its pair: a sentence-pair file needs both of "
            f"{' / '.join('+'.join(p) for p in PAIRS)}; a single-text file a 'text' column"
        )
    text = next((c for c in TEXTS if c in frame.columns), None)
    if text is None:
        raise ConfigError(
            f"dataset {where} has no text column: name one 'text' or 'sentence', or give a sentence "
            f"pair ({', '.join('/'.join(p) for p in PAIRS)}) (columns: {list(frame.columns)})"
        )
    return (text,)


def label_order(values) -> list[str]:
    """Class names in id order, one class per name the data holds: GLUE's order for a subset of a GLUE
    label set ({entailment, contradiction} is a two-class task), sorted otherwise."""
    found = sorted({str(v) for v in values})
    return next(([n for n in order if n in found] for order in GLUE_ORDER if set(found) <= set(order)), found)


def from_frame(frame: pd.DataFrame, where: str, names=None) -> datasets.Dataset:
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
            raise ConfigError(
                f"dataset {where}: label {unknown[0]!r} is not among the training labels ({', '.join(names)})"
            )
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
    features = datasets.Features(
        {
            "text": datasets.Value("string"),
            "label": datasets.ClassLabel(names=names) if names else datasets.Value("int64"),
            **({"text_pair": datasets.Value("string")} if pair else {}),
        }
    )
    info = datasets.DatasetInfo(
        description=json.dumps({"pair_columns": list(pair) if pair else None}), features=features
    )
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


def read_table(reader, path: Path) -> pd.DataFrame:
    """`reader(path)`, with a file that cannot be decoded or parsed refused in one line."""
    try:
        return reader(path)
    except ConfigError:
        raise
    except (UnicodeDecodeError, ValueError, OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise ConfigError(
            f"dataset file {path} cannot be read as {path.suffix.lstrip('.') or 'a table'} ({reason}): "
            "give UTF-8 text (.csv/.tsv/.json/.jsonl with a header or keys) or a real .parquet file"
        ) from None


def read_file(path: Path) -> pd.DataFrame:
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


def split_file(folder: Path, split: str) -> Path:
    names = {"validation": ("validation", "dev", "valid", "val"), "train": ("train",), "test": ("test",)}[split]
    for name in names:
        for suffix in FILE_SUFFIXES:
            if (folder / f"{name}{suffix}").is_file():
                return folder / f"{name}{suffix}"
    raise ConfigError(
        f"dataset folder {folder} has no {split} file: add one of "
        f"{', '.join(n + '.csv/.tsv/.json/.jsonl/.parquet' for n in names)}"
    )
