"""Adversarial training on word embeddings.  Add a method: subclass `Adversary` and list it in ADVERSARIES."""

from trainables.adversarial.adversary import Adversary
from trainables.adversarial.fgsm import FGSM
from trainables.adversarial.free import Free
from trainables.adversarial.freelb import FreeLB
from trainables.adversarial.pgd import PGD
from trainables.errors import ConfigError

ADVERSARIES = {"freelb": FreeLB, "pgd": PGD, "fgsm": FGSM, "free": Free}


def make_adversary(
    method: str, steps: int, step_size: float, init_mag: float, max_norm: float = 0.0, norm: str = "l2"
) -> Adversary:
    if method not in ADVERSARIES:
        raise ConfigError(f"parameter 'adv_method' = {method!r} is unknown: use one of {', '.join(ADVERSARIES)}")
    return ADVERSARIES[method](steps, step_size, init_mag, max_norm, norm)


def from_config(cfg: dict, method: str | None = None) -> Adversary:
    return make_adversary(
        method or cfg["adv_method"],
        cfg["adv_steps"],
        cfg["adv_lr"],
        cfg["adv_init_mag"],
        cfg["adv_max_norm"],
        cfg["adv_norm"],
    )


__all__ = ["ADVERSARIES", "FGSM", "Adversary", "Free", "FreeLB", "PGD", "make_adversary", "from_config"]
