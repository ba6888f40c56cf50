"""The arms of `time_to_robustness.py`: what each trains, which take EarlyRobust's ticket, which are
trained with several seeds, the sweep's own answer (a trial's parameters, retrained here), and the
one-line budget the tables show."""

from __future__ import annotations

from pathlib import Path

from trainables.config import validate_config
from trainables.earlyrobust import checkpoint as ckpt

PGD_RADIUS = 0.1  # l2 radius of PGD: about the norm FreeLB's perturbation reaches in K=5 steps of 0.01
ARMS = (
    "dense_pgd",
    "dense_freelb",
    "dense_ce",
    "earlyrobust",
    "earlyrobust_pgd",
    "earlyrobust_ft_pgd",
    "earlyrobust_ft_fgsm",
    "earlyrobust_ft_free",
    "earlyrobust_ft_fgsm_half",
    "random_ticket",
)
TARGETS = ("dense_pgd", "dense_freelb")
NEW_MODES = ("earlyrobust_ft_pgd", "earlyrobust_ft_fgsm", "earlyrobust_ft_free", "earlyrobust_ft_fgsm_half")
TICKET_TAKERS = (*NEW_MODES, "random_ticket")
SEEDED = (*TARGETS, "earlyrobust", *NEW_MODES)
FREE_REPLAYS = 2  # free adversarial training replays each minibatch twice: an epoch costs two training passes
SETTINGS = {  # arm -> (trial settings, dense?)
    "dense_pgd": ({"ft_mode": "pgd", "adv_max_norm": PGD_RADIUS}, True),
    "dense_freelb": ({"ft_mode": "freelb"}, True),
    "dense_ce": ({"ft_mode": "ce"}, True),
    "earlyrobust": ({"ft_mode": "ce"}, False),
    "earlyrobust_pgd": ({"ft_mode": "ce", "adv_method": "pgd", "adv_max_norm": PGD_RADIUS}, False),
    "earlyrobust_ft_pgd": ({"ft_mode": "pgd", "adv_max_norm": PGD_RADIUS}, False),
    "earlyrobust_ft_fgsm": ({"ft_mode": "fgsm", "adv_max_norm": PGD_RADIUS}, False),
    "earlyrobust_ft_free": ({"ft_mode": "free", "adv_max_norm": PGD_RADIUS, "adv_steps": FREE_REPLAYS}, False),
    # CE for the first half of the fine-tuning, FGSM for the last: FGSM throughout was the most robust
    # ticket and the least accurate one (time_to_robustness_cpu.md before this arm)
    "earlyrobust_ft_fgsm_half": (
        {"ft_mode": "fgsm", "adv_max_norm": PGD_RADIUS, "ft_adv_share": 0.5, "ft_adv_at": "last"},
        False,
    ),
    "random_ticket": ({"ft_mode": "ce"}, False),
}


ANSWER = "sweep_answer"  # a cost-to-target sweep's champion, given as its trial's parameters (`--answer`)
# what the benchmark's scale fixes for every arm, the answer included: the data, the sample, the seeds
SAME_FOR_ALL = (
    "dataset",
    "data_dir",
    "train_size",
    "eval_size",
    "eval_split",
    "max_length",
    "attack",
    "attack_n",
    "attack_split",
    "report_split",
    "seed",
    "model",
)


def answer_settings(params: dict, cfg: dict) -> dict:
    """The method's settings of the sweep's answer (a Tune trial's `params.json`): all but what the
    benchmark fixes for every arm. ValueError when it was searched on another model or dataset."""
    for key in ("model", "dataset"):
        if key in params and params[key] != cfg[key]:
            raise ValueError(f"the answer was searched with {key}={params[key]!r}; this scale runs {cfg[key]!r}")
    return {k: v for k, v in params.items() if k not in SAME_FOR_ALL}


def answer_choices(cfg: dict) -> str:
    """What the sweep's answer chose that differs from the scale's settings, as `key=value, ...`."""
    chosen = validate_config({**cfg, **SETTINGS[ANSWER][0]})
    return ", ".join(
        f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in sorted(chosen.items()) if v != cfg[k]
    )


def budget(arm: str, cfg: dict, work: Path) -> str:
    e, k = cfg["ft_epochs"], cfg["adv_steps"]
    stop = ckpt.read_state(work / arm).get("search_epochs", 0.0)
    if arm == ANSWER:
        mine = {**cfg, **SETTINGS[ANSWER][0]}
        return f"the sweep's answer: search {stop:.2f} ep + ticket {mine['ft_mode']} {mine['ft_epochs']} ep"
    return {
        "dense_pgd": f"dense PGD-{k} {e} ep",
        "dense_freelb": f"dense FreeLB-{k} {e} ep",
        "dense_ce": f"dense CE {e} ep",
        "earlyrobust": f"FreeLB search {stop:.2f} ep + ticket CE {e} ep",
        "earlyrobust_pgd": f"PGD search {stop:.2f} ep + ticket CE {e} ep",
        "earlyrobust_ft_pgd": f"FreeLB search {stop:.2f} ep + ticket PGD-{k} {e} ep",
        "earlyrobust_ft_fgsm": f"FreeLB search {stop:.2f} ep + ticket FGSM (random start) {e} ep",
        "earlyrobust_ft_free": f"FreeLB search {stop:.2f} ep + ticket free (m={FREE_REPLAYS}) {e} ep",
        "earlyrobust_ft_fgsm_half": f"FreeLB search {stop:.2f} ep + ticket CE, then FGSM for the last half of {e} ep",
        "random_ticket": f"random ticket CE {e} ep",
    }[arm]
