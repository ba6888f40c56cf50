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
