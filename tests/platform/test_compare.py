"""`python -m platform.compare` on a real smoke sweep: table, Pareto marks, plots logged to MLflow."""

import subprocess
import sys

import pandas as pd
import pytest
from mlflow.tracking import MlflowClient

from sweep_helpers import ROOT

pytestmark = pytest.mark.slow


def test_compare_writes_table_and_plots_and_logs_them(smoke_sweep, tmp_path):
    client, parent = smoke_sweep["client"], smoke_sweep["parent"]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "platform.compare",
            "--mlflow-uri",
            client.tracking_uri,
            "--out",
            str(tmp_path),
            "--sort",
            "train_flops",
            "--ascending",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    table = pd.read_csv(tmp_path / "compare.csv")
    assert len(table) == 2 and set(table["status"]) == {"done"}
    assert {"head_ratio", "ffn_ratio", "conv_eps"} <= set(table.columns), "the parameters that varied"
    assert list(table["train_flops"]) == sorted(table["train_flops"])
    assert (table["pareto"] == "*").sum() >= 1
    for png in ("pareto.png", "mask_distances.png", "champion_ticket.png"):
        assert (tmp_path / png).stat().st_size > 5000
        assert (tmp_path / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    logged = {f.path for f in client.list_artifacts(parent, "compare")}
    assert {
        "compare/pareto.png",
        "compare/mask_distances.png",
        "compare/champion_ticket.png",
        "compare/compare.md",
    } <= logged
    children = client.search_runs([client.get_run(parent).info.experiment_id], f"tags.mlflow.parentRunId = '{parent}'")
    assert all("mask_distance.png" in {f.path for f in client.list_artifacts(c.info.run_id)} for c in children)


def test_compare_without_a_sweep_is_one_clear_line(tmp_path):
    MlflowClient(f"sqlite:///{tmp_path / 'm.db'}").search_experiments()  # a store, with no sweep in it
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "platform.compare",
            "--mlflow-uri",
            f"sqlite:///{tmp_path / 'm.db'}",
            "--experiment",
            "Default",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "compare: error: no sweep in this experiment: run `python -m platform.sweep` first, or check --experiment and --sweep"
    ]
