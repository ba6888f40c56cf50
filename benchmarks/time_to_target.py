"""The time-to-target rule of `time_to_robustness.py`, on per-example outcomes.

An arm's curve is its measurements in training order: (cost so far, outcomes on the common sample).
Each measurement's outcomes are one 0/1 row per criterion (robust: every attack failed; correct: the
clean prediction was right), or a single row.  The target is one arm's final outcomes.  An arm
*reaches* the target at its first measurement whose paired 95% interval of (arm - target) includes 0
or lies above it on every criterion: as robust and as accurate (a half-trained model that attacks
cannot flip is not what adversarial training gives); its cost to target is its cost there (None if
it never does).  The speed-up of an arm is the target arm's own
cost to target divided by the arm's.  The interval of a speed-up comes from a paired bootstrap over
the sample's examples (the same resampled examples for every arm and measurement), rule and all; a
resample in which an arm never reaches the target counts as a speed-up of 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from trainables.attacks.attack_stats import Z95


def reached_at(curve: np.ndarray, target: np.ndarray, z: float = Z95) -> np.ndarray:
    """Index of the first measurement that reaches the target, per resample (-1: never).

    curve: (measurements, resamples, criteria, n) outcomes, target: (resamples, criteria, n) -> (resamples,)."""
    d = curve.astype(float) - target[None].astype(float)
    n = d.shape[-1]
    half = z * d.std(axis=-1, ddof=1) / math.sqrt(n) if n > 1 else np.zeros(d.shape[:-1])
    ok = (d.mean(axis=-1) + half >= -1e-12).all(axis=-1)  # (measurements, resamples)
    return np.where(ok.any(axis=0), ok.argmax(axis=0), -1)


def _rows(outcomes: np.ndarray) -> np.ndarray:
    """One measurement's outcomes as (criteria, n)."""
    return np.atleast_2d(np.asarray(outcomes))


def cost_to_target(costs: list[float], curve: list[np.ndarray], target: np.ndarray) -> float | None:
    """The cost at an arm's first measurement that reaches `target`, or None (the plain estimate)."""
    k = int(reached_at(np.stack([_rows(c) for c in curve])[:, None], _rows(target)[None])[0])
    return costs[k] if k >= 0 else None


def speedups(
    curves: dict[str, tuple[list[float], list[np.ndarray]]], target_arm: str, resamples: int = 1000, seed: int = 0
) -> dict[str, dict]:
    """Per arm: cost to target, speed-up vs the target arm (point estimate), its 95% bootstrap interval
    and the share of resamples in which the arm reached the target."""
    target = _rows(curves[target_arm][1][-1])
    n = target.shape[-1]
    rng = np.random.default_rng(seed)
    idx = np.vstack([np.arange(n), rng.integers(0, n, size=(resamples, n))])  # row 0: the sample itself
    target_b = target[:, idx].transpose(1, 0, 2)  # (resamples, criteria, n)
    reached = {}
    for arm, (costs, curve) in curves.items():
        k = reached_at(np.stack([_rows(c) for c in curve])[:, :, idx].transpose(0, 2, 1, 3), target_b)
        reached[arm] = np.where(k >= 0, np.asarray(costs, float)[np.maximum(k, 0)], np.inf)
    own = reached[target_arm]
    out = {}
    for arm, cost in reached.items():
        ratio = np.where(np.isfinite(cost), own / np.where(np.isfinite(cost), cost, 1.0), 0.0)
        low, high = np.percentile(ratio[1:], [2.5, 97.5])
        point = cost[0]
        out[arm] = {
            "cost_to_target": float(point) if np.isfinite(point) else None,
            "speedup": float(ratio[0]) if np.isfinite(point) else None,
            "speedup_low": float(low),
            "speedup_high": float(high),
            "reached_share": float(np.isfinite(cost[1:]).mean()),
        }
    return out


@dataclass
class Run:
    """One arm trained with one seed: its training cost and outcomes at each look, on the selection split
    and on the held-out report split (each look: (criteria, n) rows, the same sentences throughout)."""

    costs: list[float]
    selection: list[np.ndarray]
    report: list[np.ndarray]


def _tied(arm: np.ndarray, target: np.ndarray, z: float = Z95) -> np.ndarray:
    """(resamples, criteria, n) each -> (resamples,): tied with the target or above on every criterion."""
    d = arm.astype(float) - target.astype(float)
    n = d.shape[-1]
    half = z * d.std(axis=-1, ddof=1) / math.sqrt(n) if n > 1 else np.zeros(d.shape[:-1])
    return (d.mean(axis=-1) + half >= -1e-12).all(axis=-1)


def _costs(
    run: Run, target: Run, sel: np.ndarray, rep: np.ndarray, own: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per resample: the cost at the look chosen on the selection split (the first tied with the target's
    final there), if the report split confirms it at that one look (inf otherwise), the look, and the
    cost at that look on the selection split alone (inf if none)."""
    s_curve = np.stack([_rows(x) for x in run.selection])[:, :, sel].transpose(0, 2, 1, 3)
    k = reached_at(s_curve, _rows(target.selection[-1])[:, sel].transpose(1, 0, 2))
    r_curve = np.stack([_rows(x) for x in run.report])  # (looks, criteria, n_report)
    chosen = r_curve[np.maximum(k, 0)]  # (resamples, criteria, n_report)
    chosen = np.take_along_axis(chosen, rep[:, None, :], axis=2)
    confirmed = (k >= 0) & _tied(chosen, _rows(target.report[-1])[:, rep].transpose(1, 0, 2))
    costs = np.asarray(run.costs, float)
    chosen_cost = np.where(k >= 0, costs[np.maximum(k, 0)], np.inf)
    if own:  # the target arm: its own final always qualifies
        last = len(costs) - 1
        return np.where(confirmed, chosen_cost, costs[-1]), np.where(confirmed, k, last), chosen_cost
    return np.where(confirmed, chosen_cost, np.inf), np.where(confirmed, k, -1), chosen_cost


def seeded_speedups(runs: dict[str, list[Run]], target_arm: str, resamples: int = 1000, seed: int = 0) -> dict:
    """Per arm: per seed, the look and cost to target and the speed-up over the target arm of the same seed;
    the mean speed-up over seeds with a 95% bootstrap interval that resamples the seeds and both splits'
    sentences (a seed that misses the target counts 0); whether every seed reached it; and the speed-up
    on the selection split alone (`selection_speedup`: what may choose between arms).

    The look is chosen on the selection split and tested once on the report split: no sentence both
    chooses and measures, and the report split is looked at once per seed."""
    n_sel = _rows(runs[target_arm][0].selection[-1]).shape[-1]
    n_rep = _rows(runs[target_arm][0].report[-1]).shape[-1]
    rng = np.random.default_rng(seed)
    sel = np.vstack([np.arange(n_sel), rng.integers(0, n_sel, size=(resamples, n_sel))])
    rep = np.vstack([np.arange(n_rep), rng.integers(0, n_rep, size=(resamples, n_rep))])
    targets = runs[target_arm]
    own = [_costs(t, t, sel, rep, own=True)[0] for t in targets]
    own_selection = [_costs(t, t, sel, rep, own=True)[2][0] for t in targets]
    out = {}
    for arm, arm_runs in runs.items():
        seeds = min(len(arm_runs), len(targets))
        per, ratio = [], np.zeros((seeds, resamples + 1))
        for s in range(seeds):
            cost, look, chosen = _costs(arm_runs[s], targets[s], sel, rep, own=arm == target_arm)
            ratio[s] = np.where(np.isfinite(cost), own[s] / np.where(np.isfinite(cost), cost, 1.0), 0.0)
            on_selection = own_selection[s] / chosen[0] if np.isfinite(chosen[0]) else 0.0
            per.append(
                {
                    "look": int(look[0]),
                    "cost_to_target": float(cost[0]),
                    "speedup": float(ratio[s, 0]),
                    "selection_speedup": float(on_selection),
                }
            )
        picks = np.vstack([np.arange(seeds), rng.integers(0, seeds, size=(resamples, seeds))])
        means = ratio[picks, np.arange(resamples + 1)[:, None]].mean(axis=1)
        every = (ratio[picks, np.arange(resamples + 1)[:, None]] > 0).all(axis=1)
        low, high = np.percentile(means[1:], [2.5, 97.5])
        out[arm] = {
            "seeds": per,
            "reached_every_seed": bool(every[0]),
            "speedup": float(means[0]),
            "speedup_low": float(low),
            "speedup_high": float(high),
            "reached_share": float(every[1:].mean()),
            "selection_speedup": float(np.mean([p["selection_speedup"] for p in per])),
        }
    return out
