"""Encoder families by config `model_type`.  Adding a family: one adapter module beside these (see
`base.py`) and one line in FAMILIES."""

from __future__ import annotations

from trainables.earlyrobust.families.bert import Bert
from trainables.earlyrobust.families.deberta_v2 import DebertaV2
from trainables.earlyrobust.families.distilbert import DistilBert
from trainables.earlyrobust.families.family import Family
from trainables.earlyrobust.families.modernbert import ModernBert
from trainables.errors import ConfigError

FAMILIES: tuple[Family, ...] = (Bert(), DistilBert(), DebertaV2(), ModernBert())

BY_TYPE = {model_type: family for family in FAMILIES for model_type in family.model_types}
SUPPORTED = tuple(BY_TYPE)


def family_for(model_type: str) -> Family:
    if model_type not in BY_TYPE:
        raise ConfigError(f"model architecture '{model_type}' is not supported: use one of {', '.join(SUPPORTED)}")
    return BY_TYPE[model_type]


def family_of(model) -> Family:
    return family_for(getattr(model.config, "model_type", type(model).__name__))
