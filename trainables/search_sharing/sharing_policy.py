"""When trials should share recorded searches (`shared_search.py`), and how far a recording must run.

Sharing pays when the searches it saves cost more than the recordings it runs.  For `n` trials drawn
from a space with `k` distinct search settings (SEARCH_KEYS; a setting searched over a range makes
`k` infinite), about R = k (1 - (1 - 1/k)^n) settings are drawn, so R recordings replace n online
searches.  An online search stops at its convergence, TYPICAL_STOP of its budget on this project's
runs (0.15-0.45 epoch of a 1-epoch budget at the paper's settings and on the CPU benchmarks); a
recording is charged its whole budget (it stops as soon as every setting of the space's grid has
converged, which only adds to the saving).  Concurrent trials of a setting that is being recorded
wait for it, holding their slot: each such wait is charged one budget too.  `auto` shares when

    n * TYPICAL_STOP  -  R  -  waits  >  0      (in budgets).

A recording runs only as far as the trials that read it can need: it stops once the replay of every
point of the space's grid (the ratios' bounds and middle, the smallest ε, the largest window: the
last to converge) has converged.  A trial whose own replay has not converged by a recording's end
(a setting inside the ranges that converges later, or a recording cut short because training
diverged after the trial's own stop) searches alone instead, so every ticket is the one its own
online search would have drawn.
"""
from __future__ import annotations

import itertools
import math

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
    if trainable != "ticket" or "searched" in space.candidates("ft_init"):
        return False, "no (dense trials search nothing; ft_init=searched needs each search's own weights)"
    shared = ", ".join(k for k in space.search if k in SEARCH_KEYS) or "one setting for all trials"
    if mode == "on":
        return True, f"yes (--share-searches on): trials with equal search settings replay one recording ({shared})"
    k = distinct_settings(space)
    saving, recordings = expected_saving(k, num_samples, max_concurrent)
    about = (f"{num_samples} trials over {'a range of' if math.isinf(k) else f'{k:g}'} search settings: "
             f"~{recordings:.1f} recordings of <= 1 budget against {num_samples} online searches stopping at "
             f"~{TYPICAL_STOP:g} of it")
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
        from trainables.convergence import make_rule

        self.points = [(p, make_rule(p["conv_rule"], p["conv_eps"], p["conv_window"])) for p in grid]

    def __call__(self, snap) -> bool:
        from trainables.earlyrobust.tickets import draw_ticket

        for p, rule in self.points:
            if not rule.converged:
                rule.update(draw_ticket(snap.heads, snap.ffn, p["head_ratio"], p["ffn_ratio"], p["prune_scope"],
                                        step=snap.step, epoch=snap.epoch, ffn_multiple=p["ffn_multiple"]))
        return bool(self.points) and all(rule.converged for _, rule in self.points)
