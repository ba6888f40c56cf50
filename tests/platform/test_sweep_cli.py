"""Discoverable and checkable: --list-params prints the parameter table; --dry-run checks a space and
prints what would run without starting Ray or touching MLflow or the storage; --resume may change only
concurrency, time budget and Ray address."""

import subprocess
import sys

import pytest
import ray

from platform.sweep import parser, plan_from
from platform.sweep_tuner import tuner
from sweep_helpers import ROOT, sweep_state
from trainables.config import PARAMS
from trainables.tune.trial_tracking import TrackingInfo


def cli(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "platform.sweep", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_list_params_prints_every_parameter_with_default_and_allowed_values():
    done = cli("--list-params")
    assert done.returncode == 0, done.stderr
    lines = {line.split()[0]: line for line in done.stdout.splitlines()[1:]}
    assert list(lines) == list(PARAMS)
    for name, param in PARAMS.items():
        assert repr(param.default) in lines[name] and param.allowed() in lines[name]
    assert (
        "one or more (comma-separated) of textfooler, textbugger, bertattack, deepwordbug, embedding_pgd, none"
        in lines["attack"]
    )
    assert "one of earlyrobust, earlybird" in lines["conv_rule"] and "one of ce, freelb, pgd" in lines["ft_mode"]


def test_dry_run_checks_and_describes_without_starting_anything(tmp_path):
    done = cli(
        "--space",
        "smoke",
        "--set",
        "lr=0.01",
        "--num-samples",
        "3",
        "--dry-run",
        "--name",
        "dry",
        "--storage-path",
        str(tmp_path / "s"),
        "--mlflow-uri",
        f"sqlite:///{tmp_path / 'm.db'}",
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "sweep dry (dry run: nothing started)" in out and "trials     3, 2 at once" in out
    assert "head_ratio           uniform [0.1, 0.5]" in out
    assert "    lr                   0.01\n" in out and "batch_size           32  (default)" in out
    assert not (tmp_path / "s").exists() and not (tmp_path / "m.db").exists(), "no storage, no MLflow store"
    bad = cli("--space", "smoke", "--set", "attack=hotflip", "--dry-run", "--storage-path", str(tmp_path / "s"))
    assert bad.returncode == 2 and "'attack' = 'hotflip' is not allowed" in bad.stderr


@pytest.mark.slow
def test_resume_may_change_concurrency_and_time_budget_only(smoke_sweep):
    folder = smoke_sweep["folder"]
    args = parser().parse_args(
        [
            "--resume",
            "--name",
            "e2e",
            "--storage-path",
            str(folder / "s"),
            "--max-concurrent",
            "1",
            "--time-budget-s",
            "77",
        ]
    )
    plan = plan_from(args)
    saved = sweep_state(folder, "e2e")
    assert (plan.space.name, plan.num_samples, plan.mlflow_uri) == ("smoke", 2, saved["args"]["mlflow_uri"])
    assert plan.max_concurrent == 1 and plan.args.time_budget_s == 77

    try:  # (a shared-search sweep: tuner() starts the actor, hence a Ray, in this process)
        restored = tuner(plan, TrackingInfo(plan.mlflow_uri, saved["experiment_id"], saved["parent_run_id"]))
        config = restored._local_tuner._tune_config
        assert config.time_budget_s == 77 and config.search_alg.max_concurrent == 1
    finally:
        ray.shutdown()
    kept = plan_from(parser().parse_args(["--resume", "--name", "e2e", "--storage-path", str(folder / "s")]))
    assert kept.max_concurrent == 2 and kept.args.time_budget_s is None, "not given again: the sweep's own"
    same = ["--resume", "--name", "e2e", "--storage-path", str(folder / "s"), "--space", "smoke"]
    assert plan_from(parser().parse_args(same)).space.name == "smoke", "a frozen setting may be repeated unchanged"
    for change, flag in (
        (["--num-samples", "3"], "--num-samples"),
        (["--set", "lr=0.1"], "--set"),
        (["--space", "quick"], "--space"),
    ):
        done = cli("--resume", "--name", "e2e", "--storage-path", str(folder / "s"), *change)
        assert done.returncode == 2 and f"so {flag} cannot change: only --max-concurrent" in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
