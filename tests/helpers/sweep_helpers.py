"""Helpers for the platform tests: run the sweep CLI and read back its results."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def short_dir() -> Path:
    """Ray's socket paths must stay short: a fresh folder directly under /tmp."""
    return Path(tempfile.mkdtemp(prefix="sw", dir="/tmp"))


def sweep(args, folder: Path, **kwargs):
    cmd = [
        sys.executable,
        "-m",
        "platform.sweep",
        "--storage-path",
        str(folder / "s"),
        "--mlflow-uri",
        f"sqlite:///{folder / 'mlflow.db'}",
        *args,
    ]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, **kwargs)


def sweep_state(folder: Path, name: str) -> dict:
    return json.loads((folder / "s" / name / "sweep.json").read_text())


def child_runs(client, parent_id):
    exp = client.get_run(parent_id).info.experiment_id
    return client.search_runs([exp], f"tags.mlflow.parentRunId = '{parent_id}'")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def mlflow_server(backend_store_uri: str, *extra: str):
    """`mlflow server` on a free loopback port (job execution off: 2 processes, not 10); yields its URL."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mlflow",
            "server",
            "--backend-store-uri",
            backend_store_uri,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            *extra,
        ],
        env=dict(os.environ, MLFLOW_SERVER_ENABLE_JOB_EXECUTION="false"),
        cwd=tempfile.mkdtemp(prefix="mlflow-server-"),  # its default ./mlruns and ./mlartifacts: not the repo
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(url + "/health", timeout=2)
                break
            except OSError:
                time.sleep(1)
        else:
            raise RuntimeError("mlflow server did not come up within two minutes")
        yield url
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
