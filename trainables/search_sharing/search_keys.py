"""Which trials can share one recorded search, and under which key.

A search's training depends only on the parameters in SEARCH_KEYS: the ratios, ε, window, rule,
scope and `ffn_multiple` only decide which mask is drawn and when the search stops (see
`replay.py`).  Trials whose SEARCH_KEYS are equal can therefore share one search recorded over the
whole budget (`search_epochs`: no ε can make an online search run longer, so the budget is the bound
that covers every ε a space can draw), each replaying its own rule, ratios and ε on it.

Cost: each trial is charged the search FLOPs and seconds an online search of its own would have spent
up to its stop (`search_flops`; so `train_flops` reads the same shared or not), and the trial that
recorded carries the recording's real cost (`recorded_search_flops`), which the sweep's total counts
once (`sweep_flops`).
"""

from __future__ import annotations

import hashlib
import json
import math

SEARCH_KEYS = (
    "model",
    "dataset",
    "data_dir",
    "train_size",
    "max_length",
    "batch_size",
    "seed",
    "lr",
    "weight_decay",
    "warmup_ratio",
    "adv_method",
    "adv_steps",
    "adv_lr",
    "adv_init_mag",
    "adv_max_norm",
    "adv_norm",
    "l1_head",
    "l1_ffn",
    "search_epochs",
    "check_interval",
)


def search_key(cfg: dict) -> str:
    """A stable name for the search a config trains: readable model prefix + hash of SEARCH_KEYS."""
    digest = hashlib.sha256(json.dumps({k: cfg[k] for k in SEARCH_KEYS}, sort_keys=True).encode()).hexdigest()[:16]
    return f"{str(cfg['model']).replace('/', '_')[-24:]}-{digest}"


def shareable(cfg: dict) -> bool:
    """A replayed ticket starts from the pre-trained weights; `ft_init: searched` needs the weights at the
    stop, which a recording does not keep."""
    return cfg["ft_init"] == "pretrained"


def sweep_flops(rows: list[dict]) -> tuple[float, float]:
    """(the sweep's real training FLOPs, each shared search counted once; the sum of the trials' own)."""

    def total(key, subset):
        return sum(r[key] for r in subset if isinstance(r.get(key), (int, float)) and math.isfinite(r[key]))

    shared = [r for r in rows if r.get("search_shared") == 1.0]
    own = total("train_flops", rows)  # a recorder that then searched alone carries its recording too
    return own - total("search_flops", shared) + total("recorded_search_flops", rows), own
