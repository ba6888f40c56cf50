"""Driver-side Tune callback: closes each trial's MLflow run when Tune is done with the trial.

A trial stopped by a scheduler or an error cannot close its own run (it dies inside
`tune.report`), so the driver does it, with FINISHED, KILLED or FAILED.
"""

from __future__ import annotations

import ray
from mlflow.tracking import MlflowClient
from ray.tune import Callback

from trainables.tune.trial_tracking import TrackingInfo, find_trial_run


class CloseMlflowRuns(Callback):
    def __init__(self, info: TrackingInfo):
        self.info = info

    def _close(self, trial, status: str) -> None:
        client = MlflowClient(self.info.uri)
        run = find_trial_run(client, self.info, trial.trial_id)
        if run is not None:
            client.set_terminated(run.info.run_id, status)

    def on_trial_complete(self, iteration, trials, trial, **info):
        phase = trial.last_result.get("phase")
        self._close(trial, {"done": "FINISHED", "diverged": "FAILED"}.get(phase, "KILLED"))

    def on_trial_error(self, iteration, trials, trial, **info):
        self._close(trial, "FAILED")


class ReleaseSearchClaims(Callback):
    """A trial that ends in error gives back the searches it was recording (see `recordings.py`), so that
    a trial waiting for one records it instead of waiting for ever."""

    def __init__(self, actor_name: str):
        self.actor_name = actor_name  # a name, not a handle: Tune pickles its callbacks with the sweep

    def on_trial_error(self, iteration, trials, trial, **info):
        try:
            ray.get_actor(self.actor_name).release_all.remote(trial.trial_id)
        except ValueError:  # no such actor (a sweep resumed without sharing)
            pass
