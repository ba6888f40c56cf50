"""Tune's Optuna searcher for a sweep, told how each trial really ended, and an Optuna database that
keeps its password out of Tune's pickles.

Ray's OptunaSearch passes the last result's objective to `study.tell(..., COMPLETE)`; for a trial
that diverged or was stopped early that value is NaN, Optuna refuses it, and the trial stays
RUNNING in the study forever.  Here a diverged trial is told FAIL and a stopped one PRUNED.
"""

from __future__ import annotations

import optuna
from ray.tune.search.optuna import OptunaSearch

from trainables.secrets import OPTUNA_ENV, redact, resolve


class RedactedRDBStorage(optuna.storages.RDBStorage):
    """An Optuna database whose pickle holds its URL redacted (Tune saves the searcher into the sweep's
    storage); unpickled, it takes the whole URL from $EARLYROBUST_OPTUNA_STORAGE (set by the driver
    from the resumed sweep's --optuna-storage)."""

    def __getstate__(self) -> dict:
        return {**super().__getstate__(), "url": redact(self.url)}

    def __setstate__(self, state: dict) -> None:
        super().__setstate__({**state, "url": resolve(state["url"], OPTUNA_ENV)})


class OutcomeAwareOptunaSearch(OptunaSearch):
    """With a `target` (`platform/robustness_target.py`), each finished trial's margin to it goes to Optuna
    as the constraint of `--objective cost` before the trial is told."""

    def __init__(self, *args, target=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target

    def on_trial_complete(self, trial_id: str, result: dict | None = None, error: bool = False):
        phase = (result or {}).get("phase")
        if self.target is not None and phase == "done" and trial_id in self._ot_trials:
            self._ot_trials[trial_id].set_user_attr("target_margin", self.target.gaps(result)["target_margin"])
        if result is not None and phase != "done":
            result, error = None, error or phase == "diverged"
        super().on_trial_complete(trial_id, result=result, error=error)
