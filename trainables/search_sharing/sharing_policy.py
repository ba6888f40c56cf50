"""When a sweep's trials share recorded searches, and how far a recording must run: `auto` shares when
the online searches saved (stopping at TYPICAL_STOP of their budget) cost more than the recordings run
and the waits they cause,

    n * TYPICAL_STOP  -  R  -  waits  >  0      (in budgets; R = k (1 - (1 - 1/k)^n) recordings),

and a recording stops once the replay of every point of the space's grid has converged.  The reasoning
and the measured stops: docs/method.md ("Shared searches").
"""

from __future__ import annotations

import itertools
import math

from trainables.convergence import make_rule
from trainables.earlyrobust.tickets import draw_ticket
from trainables.search_sharing.search_keys import SEARCH_KEYS

TYPICAL_STOP = 0.35
REPLAY_KEYS = ("head_ratio", "ffn_ratio", "conv_eps", "conv_window", "conv_rule", "prune_scope", "ffn_multiple")


def _values(space, key: str) -> list:
    spec = space.search.get(key)
    if not spec or "choice" in spec:
        return space.candidates(key)
    kind, (lo, hi) = next(iter(spec.items()))
    return list(range(lo, hi + 1)) if kind == "randint" else [lo, (lo + hi) / 2, hi]


def distinct_settings(space) -> float:
    """How many different searches the space can draw (math.inf when one is searched over a range)."""
    count = 1.0
    for key, spec in space.search.items():
        if key in SEARCH_KEYS:
            kind, args = next(iter(spec.items()))
            count *= len(args) if kind == "choice" else (args[1] - args[0] + 1 if kind == "randint" else math.inf)
    return count


def expected_saving(k: float, n: int, concurrent: int) -> tuple[float, float]:
    """(the expected saving in search budgets, the expected number of recordings)."""
    recordings = float(n) if math.isinf(k) else k * (1 - (1 - 1 / k) ** n)
    per_setting = n / recordings
    waits = recordings * min(per_setting - 1, (concurrent - 1) * (per_setting - 1) / max(n - 1, 1))
    return n * TYPICAL_STOP - recordings - waits, recordings


def decide(space, mode: str, trainable: str, num_samples: int, max_concurrent: int) -> tuple[bool, str]:
    """Whether trials share recorded searches, and why (one line for the sweep's output)."""
    if mode == "off":
        return False, "no (--share-searches off)"
    if trainable != "ticket":
        return False, "no: dense trials search nothing"
    if "searched" in space.candidates("ft_init"):
        return False, "no: ft_init=searched fine-tunes each search's own weights, which a recording does not keep"
    shared = ", ".join(k for k in space.search if k in SEARCH_KEYS) or "one setting for all trials"
    if mode == "on":
        return True, f"yes (--share-searches on): trials with equal search settings replay one recording ({shared})"
    k = distinct_settings(space)
    saving, recordings = expected_saving(k, num_samples, max_concurrent)
    about = (
        f"{num_samples} trials over {'a range of' if math.isinf(k) else f'{k:g}'} search settings: "
        f"~{recordings:.1f} recordings of <= 1 budget against {num_samples} online searches stopping at "
        f"~{TYPICAL_STOP:g} of it"
    )
    if saving <= 0:
        return False, f"no: {about} (expected saving {saving:+.1f} budgets; --share-searches on to share anyway)"
    return True, f"yes: {about} (expected saving {saving:+.1f} budgets; shared by {shared})"


def replay_grid(space) -> list[dict]:
    """The replay settings a recording must cover before it may stop (see the module's docstring)."""
    values = {key: _values(space, key) for key in REPLAY_KEYS}
    values["conv_eps"] = [min(values["conv_eps"])]
    values["conv_window"] = [max(values["conv_window"])]
    return [dict(zip(REPLAY_KEYS, combo)) for combo in itertools.product(*values.values())]


class Coverage:
    """`enough` for a recording search: True once the replay of every grid point has converged."""

    def __init__(self, grid: list[dict]):
        self.points = [(p, make_rule(p["conv_rule"], p["conv_eps"], p["conv_window"])) for p in grid]

    def __call__(self, snap) -> bool:
        for p, rule in self.points:
            if not rule.converged:
                rule.update(
                    draw_ticket(
                        snap.heads,
                        snap.ffn,
                        p["head_ratio"],
                        p["ffn_ratio"],
                        p["prune_scope"],
                        step=snap.step,
                        epoch=snap.epoch,
                        ffn_multiple=p["ffn_multiple"],
                    )
                )
        return bool(self.points) and all(rule.converged for _, rule in self.points)
