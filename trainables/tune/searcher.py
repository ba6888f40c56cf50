"""OptunaSearch that tells Optuna how a trial really ended.

Ray's OptunaSearch passes the last result's objective to `study.tell(..., COMPLETE)`; for a trial
that diverged or was stopped early that value is NaN, Optuna refuses it, and the trial stays
RUNNING in the study forever.  Here a diverged trial is told FAIL and a stopped one PRUNED.
"""
from __future__ import annotations

from ray.tune.search.optuna import OptunaSearch


class OutcomeAwareOptunaSearch(OptunaSearch):
    def on_trial_complete(self, trial_id: str, result: dict | None = None, error: bool = False):
        phase = (result or {}).get("phase")
        if result is not None and phase != "done":
            result, error = None, error or phase == "diverged"
        super().on_trial_complete(trial_id, result=result, error=error)
