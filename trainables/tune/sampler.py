"""The sweep's Optuna sampler: TPE with start-up trials that follow the sweep's size."""

from __future__ import annotations

import optuna


def startup_trials(num_samples: int) -> int:
    """Random trials before TPE models the results: a quarter of the sweep, 2 to 10 (Optuna's default of
    10 would make a 4-16-trial sweep mostly random search)."""
    return max(2, min(10, num_samples // 4))


def make_sampler(seed: int, num_samples: int, constrained: bool = False) -> optuna.samplers.TPESampler:
    """TPE with start-up trials that follow the sweep's size; the constant liar makes trials proposed
    while others still run avoid those points (concurrent trials would otherwise get near-duplicates).
    `constrained`: TPE models which trials reached the robustness target (`target_constraint`)."""
    return optuna.samplers.TPESampler(
        seed=seed,
        n_startup_trials=startup_trials(num_samples),
        constant_liar=True,
        multivariate=True,
        constraints_func=target_constraint if constrained else None,
    )


def target_constraint(trial: optuna.trial.FrozenTrial) -> list[float]:
    """Optuna's constraint: the trial's `target_margin` (<= 0: it reached the target), set by the sweep's
    searcher before the trial is told; a trial without one counts as missing the target."""
    return [trial.user_attrs.get("target_margin", 1.0)]
