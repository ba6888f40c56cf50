"""Ray Tune function trainables: the EarlyRobust ticket pipeline, and the dense adversarial baseline.

Each runs one configuration end to end (see `trainables.pipeline`), reports to Tune at
every convergence check and fine-tune epoch, checkpoints at phase boundaries and each fine-tune
epoch, and resumes from Tune's checkpoint.  With `searches`, trials share recorded searches
(`recordings.py`).  Its last checkpoint holds only the ticket model and the
results (Tune keeps one checkpoint a trial).  The device is whatever Ray made visible.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from ray import tune

from trainables.data import provided
from trainables.errors import DivergedError
from trainables.pipeline import Trial
from trainables.search_sharing import SharedRecordings
from trainables.tune.trial_tracking import TrackingInfo, TrialTracker
from trainables.tune.tune_reports import complete


def _workdir() -> Path:
    """A fresh folder this trial owns, restored from Tune's latest checkpoint if there is one."""
    root = Path(tempfile.mkdtemp(prefix="er-trial-"))
    checkpoint = tune.get_checkpoint()
    if checkpoint is not None:
        with checkpoint.as_directory() as folder:
            shutil.copytree(folder, root, dirs_exist_ok=True)
    return root


def _run(
    config: dict, tracking: TrackingInfo | None, dense: bool, inputs: dict | None, searches: dict | None = None
) -> None:
    # one line per checkpoint in the driver's console drowns the progress table
    logging.getLogger("ray.train._internal.storage").setLevel(logging.WARNING)
    provided.install(inputs)  # datasets and synonyms resolved by the driver: this node may have no copy
    context = tune.get_context()
    workdir = _workdir()
    tracker = TrialTracker(tracking, context.get_trial_id(), context.get_trial_name(), config) if tracking else None
    step = [0]

    def report(metrics: dict, folder: Path | None) -> None:
        step[0] += 1
        full = complete(metrics)
        if tracker is not None:
            tracker.log_metrics(metrics, step[0])  # what the trial measured, not Tune's placeholders
            if metrics.get("phase") == "done":
                tracker.log_results(workdir)
                for key in ("robust_bits", "clean_bits"):  # per-example outcomes (MLflow tags hold 8000)
                    if 0 < len(metrics.get(key) or "") <= 8000:
                        tracker.set_tag(key, metrics[key])
        checkpoint = tune.Checkpoint.from_directory(str(folder)) if folder is not None else None
        tune.report(full, checkpoint=checkpoint)

    recordings = (
        None
        if searches is None or dense
        else SharedRecordings(
            searches["storage"], searches["sweep"], searches["claims"], context.get_trial_id(), searches.get("grid")
        )
    )
    try:
        Trial(config, workdir, report, dense=dense, recordings=recordings).run()
    except DivergedError as exc:
        # end the trial (no retry: it would diverge again); NaN objectives make Optuna mark it failed
        if tracker is not None:
            tracker.set_tag("status", "diverged")
            tracker.set_tag("failure", str(exc))
        report({"phase": "diverged", "failure": str(exc)}, None)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def ticket_trainable(
    config: dict, tracking: TrackingInfo | None = None, inputs: dict | None = None, searches: dict | None = None
) -> None:
    """Search (or replay a shared recorded search) -> draw -> prune -> fine-tune -> attack."""
    _run(config, tracking, False, inputs, searches)


def dense_trainable(
    config: dict, tracking: TrackingInfo | None = None, inputs: dict | None = None, searches: dict | None = None
) -> None:
    """Dense baseline: fine-tune the whole model with `ft_mode` (freelb/pgd/ce), then attack."""
    _run(config, tracking, True, inputs)


TRAINABLES = {"ticket": ticket_trainable, "dense": dense_trainable}
