"""`python -m platform.sweep` end to end on the smoke space, read back from MLflow; resume after kill -9."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import mlflow
import pandas as pd
import pytest
from mlflow.tracking import MlflowClient

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def short_dir() -> Path:
    """Ray's socket paths must stay short: a fresh folder directly under /tmp."""
    return Path(tempfile.mkdtemp(prefix="sw", dir="/tmp"))


def sweep(args, folder: Path, **kwargs):
    cmd = [sys.executable, "-m", "platform.sweep", "--storage-path", str(folder / "s"),
           "--mlflow-uri", f"sqlite:///{folder / 'mlflow.db'}", *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, **kwargs)


def child_runs(client, parent_id):
    exp = client.get_run(parent_id).info.experiment_id
    return client.search_runs([exp], f"tags.mlflow.parentRunId = '{parent_id}'")


def sweep_state(folder: Path, name: str) -> dict:
    return json.loads((folder / "s" / name / "sweep.json").read_text())


def test_smoke_sweep_end_to_end(tmp_path):
    folder = short_dir()
    done = sweep(["--space", "smoke", "--name", "e2e"], folder)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "champion: trial" in done.stdout and "mlflow ui --backend-store-uri" in done.stdout
    client = MlflowClient(f"sqlite:///{folder / 'mlflow.db'}")
    parent = sweep_state(folder, "e2e")["parent_run_id"]
    runs = child_runs(client, parent)
    assert len(runs) == 2 and len({r.data.tags["ray_trial_id"] for r in runs}) == 2
    for run in runs:
        assert run.info.status == "FINISHED"
        metrics = run.data.metrics
        for name in ("clean_acc", "aua", "suc", "avg_queries", "head_sparsity", "ffn_sparsity", "search_stop_epoch",
                     "mask_distance", "train_flops", "train_seconds", "speedup_vs_dense"):
            assert name in metrics, name
        assert 0 <= metrics["aua"] <= metrics["clean_acc"] <= 1
        history = client.get_metric_history(run.info.run_id, "mask_distance")
        assert len(history) >= 3, "mask distance is logged at every convergence check"
        ticket = json.loads(Path(mlflow.artifacts.download_artifacts(
            run_id=run.info.run_id, artifact_path="ticket.json", tracking_uri=client.tracking_uri)).read_text())
        head_ratio, ffn_ratio = float(run.data.params["head_ratio"]), float(run.data.params["ffn_ratio"])
        assert sum(map(len, ticket["heads"])) == 8 - round(head_ratio * 8)
        assert sum(map(len, ticket["neurons"])) == 128 - round(ffn_ratio * 128)
        assert metrics["head_sparsity"] == pytest.approx(round(head_ratio * 8) / 8)
    mlflow.set_tracking_uri(client.tracking_uri)
    version = client.get_model_version_by_alias("earlyrobust-ticket", "champion")
    model = mlflow.pyfunc.load_model("models:/earlyrobust-ticket@champion")
    out = model.predict(pd.DataFrame({"text": ["a wonderful , moving film", "a dull mess"]}))
    assert list(out.columns) == ["label", "prob_0", "prob_1"] and len(out) == 2
    assert ((out["prob_0"] + out["prob_1"] - 1).abs() < 1e-5).all()
    best = max(runs, key=lambda r: r.data.metrics["aua"])
    assert client.get_run(parent).data.tags["champion_run_id"] == best.info.run_id
    assert int(version.version) == 1
    assert (folder / "s" / "ray_tmp").is_dir(), "Ray's temp folder stays under the storage path"
    assert (folder / "s" / "e2e" / "summary.md").read_text().count("done") == 2


def test_resume_after_the_driver_is_killed(tmp_path):
    folder = short_dir()
    cmd = [sys.executable, "-m", "platform.sweep", "--space", "smoke", "--name", "crash", "--num-samples", "3",
           "--max-concurrent", "1", "--storage-path", str(folder / "s"), "--mlflow-uri", f"sqlite:///{folder / 'mlflow.db'}"]
    driver = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    client = MlflowClient(f"sqlite:///{folder / 'mlflow.db'}")
    deadline = time.time() + 300
    finished = []
    while time.time() < deadline and not finished:
        time.sleep(2)
        if (folder / "s" / "crash" / "sweep.json").exists():
            parent = sweep_state(folder, "crash")["parent_run_id"]
            finished = [r for r in child_runs(client, parent) if r.info.status == "FINISHED"]
    assert finished, "the first trial should finish within five minutes"
    os.kill(driver.pid, signal.SIGKILL)  # the driver alone, as a crash would
    driver.wait()
    done = sweep(["--resume", "--name", "crash"], folder)
    assert done.returncode == 0, done.stderr[-3000:]
    runs = child_runs(client, parent)
    trial_ids = [r.data.tags["ray_trial_id"] for r in runs]
    assert len(runs) == 3 and len(set(trial_ids)) == 3, "every trial has exactly one MLflow run"
    assert all(r.info.status == "FINISHED" for r in runs)
    assert all("aua" in r.data.metrics for r in runs)
    ray_tmp = str(folder / "s" / "ray_tmp")
    leftovers = subprocess.run(["pgrep", "-f", ray_tmp], capture_output=True, text=True).stdout.split()
    assert not leftovers, "no Ray process of this sweep outlives it"
