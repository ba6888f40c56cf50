"""Helpers for the platform tests: run the sweep CLI and read back its results."""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def short_dir() -> Path:
    """Ray's socket paths must stay short: a fresh folder directly under /tmp."""
    return Path(tempfile.mkdtemp(prefix="sw", dir="/tmp"))


def sweep(args, folder: Path, **kwargs):
    cmd = [sys.executable, "-m", "platform.sweep", "--storage-path", str(folder / "s"),
           "--mlflow-uri", f"sqlite:///{folder / 'mlflow.db'}", *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, **kwargs)


def sweep_state(folder: Path, name: str) -> dict:
    return json.loads((folder / "s" / name / "sweep.json").read_text())


def child_runs(client, parent_id):
    exp = client.get_run(parent_id).info.experiment_id
    return client.search_runs([exp], f"tags.mlflow.parentRunId = '{parent_id}'")


