"""Overhead of Ray + MLflow + checkpointing on one `quick` trial, and time to the first result.

    python benchmarks/sweep_overhead.py

Runs one fixed configuration of the `quick` space twice, back to back: (a) in-process through the
Ray-independent pipeline, (b) through `python -m platform.sweep` (local Ray, Tune, MLflow sqlite,
checkpoints at every phase boundary).  Reports the trial's own wall time in Tune against (a), and
the seconds from launching the sweep to its first reported result, split into where they go: the
driver's checks before Ray (the same command with `--dry-run`: imports, space, datasets, synonyms),
the trial's own start (its first report's `time_this_iter_s`: the worker's imports and data), and
the rest (Ray, Tune, the MLflow parent run, placing the trial).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from common import ROOT, machine, write_results  # noqa: I001
from search_spaces import load_space
from trainables.pipeline import run_trial

FIXED = {"head_ratio": 0.25, "ffn_ratio": 0.4, "conv_eps": 0.2, "adv_lr": 0.02}


def main() -> None:
    config = {**load_space("quick").fixed, **FIXED}
    work = Path(tempfile.mkdtemp(prefix="ov", dir="/tmp"))
    start = time.perf_counter()
    run_trial(config, work / "direct")
    direct = time.perf_counter() - start
    cmd = [
        sys.executable,
        "-m",
        "platform.sweep",
        "--space",
        "quick",
        "--num-samples",
        "1",
        "--name",
        "overhead",
        "--storage-path",
        str(work / "s"),
        "--mlflow-uri",
        f"sqlite:///{work / 'mlflow.db'}",
    ]
    cmd += [a for k, v in FIXED.items() for a in ("--set", f"{k}={v}")]
    start = time.perf_counter()
    subprocess.run(cmd + ["--dry-run"], cwd=ROOT, check=True, capture_output=True)
    plan = time.perf_counter() - start
    launched = time.time()
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
    sweep_wall = time.perf_counter() - start
    result_file = next((work / "s" / "overhead").glob("*/result.json"))
    results = [json.loads(line) for line in result_file.read_text().splitlines()]
    in_tune = results[-1]["time_total_s"]
    first = results[0]["timestamp"] - launched
    trial_start = results[0]["time_this_iter_s"]
    rows = [
        {
            "direct_trial_s": direct,
            "tune_trial_s": in_tune,
            "trial_overhead": in_tune / direct - 1,
            "sweep_wall_s": sweep_wall,
            "sweep_overhead": sweep_wall / direct - 1,
            "first_result_after_launch_s": first,
            "of_which_checks_before_ray_s": plan,
            "of_which_trial_start_s": trial_start,
            "of_which_ray_tune_mlflow_s": first - plan - trial_start,
            "reports": len(results),
        }
    ]
    print(rows[0])
    md = write_results(
        rows,
        Path(__file__).parent / "results",
        "sweep_overhead",
        "Ray + MLflow + checkpointing overhead on one quick trial",
        machine(torch.device("cpu")),
    )
    print(md.read_text())


if __name__ == "__main__":
    main()
