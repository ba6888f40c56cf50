"""A sweep's target when it names a dense reference arm: trained first as a trial of its own under the
sweep's parent run, or reused from MLflow when an identical one finished; and each trial's distance to
the target, logged to its run."""

from __future__ import annotations

import math
import time

from mlflow.entities import Metric
from ray import tune

from platform.live_table import FollowProgress, LiveReporter
from platform.robustness_target import from_reference, reference_config, reference_key
from platform.tune_callbacks import CloseMlflowRuns
from trainables.metric_registry import names
from trainables.tune.trial_functions import TRAINABLES
from trainables.tune.trial_tracking import find_trial_run


def log_target(plan, info) -> None:
    """The target, on the sweep's parent run."""
    plan.client.set_tag(info.parent_run_id, "target", plan.target.describe())
    plan.client.log_metric(info.parent_run_id, "target_aua", plan.target.aua)
    plan.client.log_metric(info.parent_run_id, "target_clean_acc", plan.target.clean_acc)


def train_or_reuse(plan, info, arm: str) -> tuple:
    """The dense reference a target names: reused from MLflow when an identical one finished (the same
    config, `reference_key` tag), else trained now as a trial of its own under the sweep's parent run.
    Returns (its Target, its row to report on, or None when reused)."""
    cfg = reference_config(plan.space, arm)
    key = reference_key(cfg)
    found = plan.client.search_runs(
        [info.experiment_id], f"tags.reference_key = '{key}' and attributes.status = 'FINISHED'", max_results=1
    )
    if found and "aua" in found[0].data.metrics:
        run = found[0]
        print(f"target: {arm}, reused from MLflow run {run.info.run_id} (the same config)", flush=True)
        row = {**run.data.metrics, **{k: run.data.tags.get(k) for k in ("robust_bits", "clean_bits")}}
        return from_reference(row, arm), None
    print(f"target: training the reference {arm} first (the space's data, seed and sample)", flush=True)
    trainable = tune.with_resources(
        tune.with_parameters(TRAINABLES["dense"], tracking=info, inputs=plan.inputs),
        {"cpu": plan.cpus, "gpu": plan.gpus},
    )
    follow = FollowProgress()
    run_config = tune.RunConfig(
        name=f"{plan.name}-reference",
        storage_path=plan.storage.uri,
        verbose=1,
        callbacks=[CloseMlflowRuns(info), follow],
        checkpoint_config=tune.CheckpointConfig(num_to_keep=1),
        progress_reporter=LiveReporter([], follow, max_report_frequency=15),
        failure_config=tune.FailureConfig(max_failures=1),
    )
    result = tune.Tuner(
        trainable, param_space=cfg, tune_config=tune.TuneConfig(num_samples=1), run_config=run_config
    ).fit()[0]
    metrics = result.metrics or {}
    if result.error or metrics.get("phase") != "done":
        raise RuntimeError(
            f"--target {arm}: the reference did not finish ({metrics.get('phase') or result.error}); "
            "give the target as numbers or a run"
        )
    run = find_trial_run(plan.client, info, metrics["trial_id"])
    plan.client.set_tag(run.info.run_id, "reference_key", key)
    plan.client.set_tag(run.info.run_id, "role", f"target ({arm})")
    row = {
        "trial": metrics["trial_id"],
        "status": "done",
        "run_id": run.info.run_id,
        "config": result.config,
        "checkpoint": result.checkpoint,
        **{k: v for k, v in metrics.items() if isinstance(v, (int, float, str))},
    }
    return from_reference(row, arm), row


def apply_target(plan, rows: list[dict]) -> None:
    """Each finished trial's distance to the target, in its row and its MLflow run."""
    for row in rows:
        if row["status"] != "done" or row.get("run_id") is None:
            continue
        gaps = plan.target.gaps(row)
        row.update(gaps)
        plan.client.log_batch(
            row["run_id"],
            metrics=[
                Metric(k, float(v), int(time.time() * 1000), 0)
                for k, v in gaps.items()
                if k in names(target=True) and math.isfinite(v)
            ],
        )
