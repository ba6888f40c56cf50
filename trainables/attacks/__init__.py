"""Offline robustness evaluation.  Add an attack: one new file with a subclass of `Attack`
(see `base.py`), listed in ATTACKS below."""
from trainables.attacks.base import Attack, AttackResult
from trainables.attacks.deepwordbug import DeepWordBug
from trainables.attacks.textfooler import TextFooler
from trainables.errors import ConfigError

ATTACKS = {"textfooler": TextFooler, "deepwordbug": DeepWordBug}


def make_attack(name: str, **kwargs) -> Attack:
    if name not in ATTACKS:
        raise ConfigError(f"parameter 'attack' = {name!r} is unknown: use one of {', '.join(ATTACKS)}, embedding_pgd, none")
    return ATTACKS[name](**kwargs)


__all__ = ["ATTACKS", "Attack", "AttackResult", "make_attack"]
