"""Run a validated sweep plan: Ray, Optuna, Tune, MLflow parent run, summary, champion."""

from __future__ import annotations

import json
import logging
import math
import os
import sys
from pathlib import Path

import ray

from platform import environment, summary, sweep_tracking
from platform.resources import check_resources, check_storage
from platform.sweep_reference import apply_target, log_target, train_or_reuse
from platform.sweep_tuner import tuner
from platform.usage import UsageError
from trainables.metric_registry import names, summary_columns
from trainables.search_sharing import sweep_flops
from trainables.secrets import MLFLOW_ENV, OPTUNA_ENV, SECRET_ARGS, redact
from trainables.tune.final_report import ReportBoard, report_ticket
from trainables.tune.trial_tracking import TrackingInfo, find_trial_run
from trainables.tune.tune_reports import per_attack


def _start_tracking(plan):
    if plan.args.resume:
        saved = json.loads(plan.storage.read_text(plan.name, "sweep.json"))
        return TrackingInfo(plan.mlflow_uri, saved["experiment_id"], saved["parent_run_id"])
    artifacts = None if plan.mlflow_uri.startswith("http") else Path.cwd() / "mlartifacts"
    exp = sweep_tracking.experiment_id(plan.client, plan.args.experiment, artifacts)
    parent = sweep_tracking.create_parent(
        plan.client, exp, plan.name, plan.space, plan.objective, plan.args.register_as, plan.metric
    )
    saved = {k: redact(v) if k in SECRET_ARGS and v else v for k, v in vars(plan.args).items()}  # no password at rest
    plan.storage.write_text(
        json.dumps({"args": saved, "experiment_id": exp, "parent_run_id": parent}, indent=1), plan.name, "sweep.json"
    )
    return TrackingInfo(plan.mlflow_uri, exp, parent)


def _rows(results, plan, info) -> list[dict]:
    rows = []
    for result in results:
        metrics = result.metrics or {}
        trial_id = metrics.get("trial_id", "")
        run = find_trial_run(plan.client, info, trial_id) if trial_id else None
        config = result.config or {}
        phase = metrics.get("phase", "?")
        status = "error" if result.error else phase if phase in ("done", "diverged") else "stopped"
        rows.append(
            {
                "trial": trial_id,
                "status": status,
                "run_id": run.info.run_id if run and status == "done" else None,
                "config": config,
                "checkpoint": result.checkpoint,
                **{k: config.get(k) for k in plan.space.varied()},
                **{k: metrics.get(k, math.nan) for k in summary_columns() + names(sweep_cost=True)},
                **{k: v for k, v in metrics.items() if per_attack(k)},
                "robust_bits": metrics.get("robust_bits"),
                "clean_bits": metrics.get("clean_bits"),
            }
        )
    return rows


def _close_lost_runs(plan, info, rows: list[dict]) -> None:
    """A trial whose driver died before Tune recorded it is not restored (Tune suggests a new one in its
    place): its MLflow run, left RUNNING, is closed as KILLED and tagged `status: lost`."""
    known = {row["trial"] for row in rows}
    exp = plan.client.get_run(info.parent_run_id).info.experiment_id
    for run in plan.client.search_runs([exp], f"tags.mlflow.parentRunId = '{info.parent_run_id}'"):
        if run.data.tags.get("ray_trial_id") not in known and run.info.status == "RUNNING":
            plan.client.set_tag(run.info.run_id, "status", "lost")
            plan.client.set_terminated(run.info.run_id, "KILLED")


def _read_back(plan, row: dict) -> bool:
    """Fill in a trial reported on already (a resumed sweep that had finished); False if it was not."""
    run = plan.client.get_run(row["run_id"])
    if "ticket_model_uri" not in run.data.tags or "report_split" not in run.data.tags:
        return False
    row.update(
        {k: v for k, v in run.data.metrics.items() if k.startswith("report_")},
        ticket_model_uri=run.data.tags["ticket_model_uri"],
    )
    return True


def _report(plan, chosen: list[dict]) -> None:
    """Log the chosen tickets' models to MLflow and attack them once more on the held-out report
    split (Ray tasks on any node: the tickets come from the trials' last checkpoints in storage)."""
    chosen = [row for row in chosen if not _read_back(plan, row)]
    if not chosen:
        return
    split = chosen[0]["config"].get("report_split", "test")
    print(
        f"\nreport: attacking {len(chosen)} ticket(s) (Pareto front and champion) on the held-out '{split}' split, "
        "which no decision used",
        flush=True,
    )
    task = ray.remote(report_ticket).options(num_cpus=plan.cpus, num_gpus=plan.gpus, max_retries=1)
    inputs, board = ray.put(plan.inputs), ReportBoard.remote()
    refs = [
        task.remote(r["run_id"], r["config"], redact(plan.mlflow_uri), r["checkpoint"], inputs, board, r["trial"])
        for r in chosen
    ]
    pending = list(refs)
    while pending:  # one line of progress every 15 s until every report is in
        _, pending = ray.wait(pending, num_returns=len(pending), timeout=15)
        if pending:
            print(ray.get(board.line.remote()), flush=True)
    for row, ref in zip(chosen, refs):
        try:
            row.update(ray.get(ref))
        except Exception as exc:  # a failed report leaves the selection numbers; it is said, not hidden
            print(
                f"report: trial {row['trial']} could not be attacked on '{split}' ({type(exc).__name__}: "
                f"{str(exc).splitlines()[0][:200]})",
                file=sys.stderr,
            )


def run_sweep(plan) -> int:
    local = plan.storage.local_dir()
    if plan.args.resume and not plan.args.ray_address:
        killed = environment.kill_orphans(environment.ray_temp_dir(local, plan.name))
        if killed:
            print(f"stopped {killed} Ray processes left by the earlier driver of {plan.name}", flush=True)
    environment.claim_driver(local, plan.name)
    plain_env, plan.inputs["env"] = environment.worker_env(plan.mlflow_uri)
    os.environ[MLFLOW_ENV] = plan.mlflow_uri  # whole URIs live in the environment only (trainables/secrets.py)
    if plan.args.optuna_storage:
        os.environ[OPTUNA_ENV] = plan.args.optuna_storage
    try:
        ray.init(
            address=plan.args.ray_address,
            _temp_dir=None if plan.args.ray_address else str(environment.ray_temp_dir(local, plan.name, create=True)),
            include_dashboard=False,
            log_to_driver=True,
            logging_level=logging.WARNING,
            runtime_env={"env_vars": plain_env},
        )
    except ConnectionError as exc:  # --ray-address auto with no cluster running here
        raise UsageError(
            f"--ray-address {plan.args.ray_address}: no Ray cluster found "
            f"({str(exc).splitlines()[0][:120]}): start one (ray start --head) or omit the flag"
        ) from None
    try:
        check_resources(plan)  # before any MLflow run or sweep folder exists
        check_storage(plan)
        info = _start_tracking(plan)
        reference = None
        if isinstance(plan.target, str):  # a reference arm: trained first (or reused) on the same sample
            try:
                plan.target, reference = train_or_reuse(plan, info, plan.target)
            except RuntimeError as exc:
                print(f"sweep: {exc}", file=sys.stderr)
                plan.client.set_terminated(info.parent_run_id, "FAILED")
                return 1
        if plan.target is not None:
            log_target(plan, info)
        print(
            f"sweep {plan.name}: space {plan.space.name}, {plan.num_samples} trials, objective {plan.objective}, "
            f"scheduler {plan.scheduler}; results in {plan.storage.where(plan.name)}\n"
            f"searches shared between trials: {plan.share_reason}"
            + (f"\ntarget: {plan.target.describe()}" if plan.target is not None else ""),
            flush=True,
        )
        results = tuner(plan, info).fit()
        rows = _rows(results, plan, info)
        _close_lost_runs(plan, info, rows)
        if plan.target is not None:
            apply_target(plan, rows)
        table = summary.build_table(rows, plan.space.varied(), plan.objective, plan.metric)
        best = summary.champion(rows, table, plan.metric, plan.objective)
        chosen = [r for r, mark in zip(rows, table["pareto"]) if mark and r["run_id"]]
        _report(
            plan,
            chosen
            + ([best] if best is not None and best not in chosen else [])
            + ([reference] if reference is not None else []),
        )
        if reference is not None:  # the target's own numbers on the held-out split, beside the champion's
            plan.target.report = {
                k: v for k, v in reference.items() if k.startswith("report_") and isinstance(v, float)
            }
    finally:
        ray.shutdown()
    table = summary.build_table(rows, plan.space.varied(), plan.objective, plan.metric)
    rule = summary.COST_RULE if plan.objective == "cost" else summary.CHAMPION_RULE
    files = summary.write(table, local / plan.name, rule=rule)
    for path in files:
        plan.client.log_artifact(info.parent_run_id, str(path))
        if plan.storage.shared:
            plan.storage.upload(path, plan.name, path.name)
    print(
        "\n"
        + summary.render(table, terminal=True, varied=plan.space.varied())
        + f"\n(every column: {files[0]}, {files[1]})"
    )
    if plan.share_searches:
        real, own = sweep_flops(rows)
        print(
            f"\ntraining FLOPs of the sweep: {real:.3g} with each shared search counted once "
            f"({sum(r.get('recorded_search_flops', 0) > 0 for r in rows)} recorded); {own:.3g} if every trial had "
            "searched alone (each trial's train_flops counts its own search up to its stop)"
        )
    if best is not None and not best.get("ticket_model_uri"):
        print(
            f"\nthe champion's model (trial {best['trial']}) could not be logged: nothing registered", file=sys.stderr
        )
        best = None
    if best is not None:
        version = sweep_tracking.register_champion(plan.client, best, plan.args.register_as)
        for key, value in (
            (f"champion_{plan.metric}", best[plan.metric]),
            (f"champion_report_{plan.metric}", best.get(f"report_{plan.metric}", math.nan)),
        ):
            if math.isfinite(value):
                plan.client.log_metric(info.parent_run_id, key, value)
        plan.client.set_tag(info.parent_run_id, "champion_run_id", best["run_id"])
        print(
            f"\nchampion: trial {best['trial']}, {sweep_tracking.describe(best)}; registered as "
            f"{plan.args.register_as} version {version}, alias 'champion'\n  (rule: {rule})"
        )
        if plan.target is not None:
            print(
                f"  target: {plan.target.describe()}"
                + "".join(
                    f"; target {k} {v:.3f}"
                    for k, v in plan.target.report.items()
                    if k in ("report_aua", "report_clean_acc")
                )
            )
    elif plan.objective == "cost" and any(r["status"] == "done" for r in rows):
        print(
            f"\nno trial reached the target ({plan.target.describe()}): nothing registered. How close each came "
            "(differences to the target, the upper end of their 95% intervals in brackets):\n"
            + "\n".join(
                f"  trial {r['trial']}: aua {r['target_aua_diff']:+.3f} [{r['target_aua_high']:+.3f}], "
                f"clean_acc {r['target_clean_diff']:+.3f} [{r['target_clean_high']:+.3f}], "
                f"train_flops {r['train_flops']:.3g}"
                for r in rows
                if "target_margin" in r
            ),
            file=sys.stderr,
        )
    else:
        print("\nno trial finished with a model: nothing registered", file=sys.stderr)
    # a trial that diverged or was stopped (ASHA, time budget) ended normally; only an error fails the sweep
    errored = sum(r["status"] == "error" for r in rows)
    plan.client.set_terminated(info.parent_run_id, "FAILED" if errored else "FINISHED")
    ui = redact(plan.mlflow_uri)
    print(
        f"\nOpen the MLflow UI on these runs:\n  mlflow ui --backend-store-uri {ui} --host 127.0.0.1 --port 5000\n"
        f"  then {sweep_tracking.runs_url('http://127.0.0.1:5000', info.experiment_id, info.parent_run_id, plan.metric)}"
    )
    return 0 if best is not None else 1
