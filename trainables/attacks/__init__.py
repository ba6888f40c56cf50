"""Offline robustness evaluation.  Add an attack: one new file with a subclass of `Attack`
(see `base.py`), listed in ATTACKS below."""

from trainables.attacks.bertattack import BertAttack
from trainables.attacks.deepwordbug import DeepWordBug
from trainables.attacks.greedy_search import Attack, AttackResult
from trainables.attacks.textbugger import TextBugger
from trainables.attacks.textfooler import TextFooler
from trainables.errors import ConfigError

ATTACKS = {"textfooler": TextFooler, "textbugger": TextBugger, "bertattack": BertAttack, "deepwordbug": DeepWordBug}
OTHER = ("embedding_pgd", "none")  # robust accuracy under embedding PGD (no text); no attack at all


def make_attack(name: str, **kwargs) -> Attack:
    if name not in ATTACKS:
        raise ConfigError(f"parameter 'attack' = {name!r} is unknown: use one of {', '.join(tuple(ATTACKS) + OTHER)}")
    return ATTACKS[name](**kwargs)


__all__ = ["ATTACKS", "OTHER", "Attack", "AttackResult", "make_attack"]
