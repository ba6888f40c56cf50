"""The sweep's sampler, and an OptunaSearch that tells Optuna how a trial really ended.

Ray's OptunaSearch passes the last result's objective to `study.tell(..., COMPLETE)`; for a trial
that diverged or was stopped early that value is NaN, Optuna refuses it, and the trial stays
RUNNING in the study forever.  Here a diverged trial is told FAIL and a stopped one PRUNED.
"""
from __future__ import annotations

import optuna
from ray.tune.search.optuna import OptunaSearch

from trainables.secrets import OPTUNA_ENV, redact, resolve


def startup_trials(num_samples: int) -> int:
    """Random trials before TPE models the results: a quarter of the sweep, 2 to 10 (Optuna's default of
    10 would make a 4-16-trial sweep mostly random search)."""
    return max(2, min(10, num_samples // 4))


def make_sampler(seed: int, num_samples: int) -> optuna.samplers.TPESampler:
    """TPE with start-up trials that follow the sweep's size; the constant liar makes trials proposed
    while others still run avoid those points (concurrent trials would otherwise get near-duplicates)."""
    return optuna.samplers.TPESampler(seed=seed, n_startup_trials=startup_trials(num_samples), constant_liar=True,
                                      multivariate=True)


class RedactedRDBStorage(optuna.storages.RDBStorage):
    """An Optuna database whose pickle holds its URL redacted (Tune saves the searcher into the sweep's
    storage); unpickled, it takes the whole URL from $EARLYROBUST_OPTUNA_STORAGE (set by the driver
    from the resumed sweep's --optuna-storage)."""

    def __getstate__(self) -> dict:
        return {**super().__getstate__(), "url": redact(self.url)}

    def __setstate__(self, state: dict) -> None:
        super().__setstate__({**state, "url": resolve(state["url"], OPTUNA_ENV)})


class OutcomeAwareOptunaSearch(OptunaSearch):
    def on_trial_complete(self, trial_id: str, result: dict | None = None, error: bool = False):
        phase = (result or {}).get("phase")
        if result is not None and phase != "done":
            result, error = None, error or phase == "diverged"
        super().on_trial_complete(trial_id, result=result, error=error)
