"""A driver killed mid-sweep, with a second sweep under the same storage path: the killed sweep resumes
with every trial finished and none run twice (one MLflow run each), stopping only its own leftover Ray
processes (each sweep owns its Ray temp folder; Ray 2.60 usually ends them with the driver) while the
other runs on and finishes.  A sweep whose driver is alive cannot be resumed."""

import os
import signal
import subprocess
import sys
import time

import pytest
from mlflow.tracking import MlflowClient

from sweep_helpers import ROOT, child_runs, short_dir, sweep, sweep_state


def start(folder, name, samples):
    cmd = [
        sys.executable,
        "-m",
        "platform.sweep",
        "--space",
        "smoke",
        "--name",
        name,
        "--num-samples",
        str(samples),
        "--max-concurrent",
        "1",
        "--storage-path",
        str(folder / "s"),
        "--mlflow-uri",
        f"sqlite:///{folder / 'mlflow.db'}",
    ]
    return subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True
    )


def ray_processes(folder, name):
    out = subprocess.run(["pgrep", "-f", str(folder / "s" / "ray_tmp" / name) + "/"], capture_output=True, text=True)
    return out.stdout.split()


@pytest.mark.slow
def test_resuming_one_sweep_leaves_the_other_running(tmp_path):
    folder = short_dir()
    client = MlflowClient(f"sqlite:///{folder / 'mlflow.db'}")
    a = start(folder, "a", 2)
    deadline = time.time() + 240
    while time.time() < deadline and not (folder / "s" / "a" / "sweep.json").exists():
        time.sleep(1)
    b = start(folder, "b", 3)
    try:
        while time.time() < deadline + 120 and not (folder / "s" / "b" / "sweep.json").exists():
            time.sleep(1)
        alive = sweep(["--resume", "--name", "b"], folder)
        assert alive.returncode == 2 and "sweep 'b' is still running" in alive.stderr, alive.stderr
        assert len(alive.stderr.strip().splitlines()) == 1
        finished = []
        while time.time() < deadline + 300 and not finished:
            time.sleep(2)
            finished = [
                r for r in child_runs(client, sweep_state(folder, "a")["parent_run_id"]) if r.info.status == "FINISHED"
            ]
        assert finished, "sweep a's first trial should finish"
        os.kill(a.pid, signal.SIGKILL)  # a's driver alone dies; its raylet and workers stay behind
        a.wait()
        assert b.poll() is None, "sweep b is still running when a is resumed"
        b_ray = set(ray_processes(folder, "b"))
        resumed = sweep(["--resume", "--name", "a"], folder)
        assert resumed.returncode == 0, resumed.stderr[-3000:]
        assert not ray_processes(folder, "a"), "no Ray process of a outlives it"
        assert b.wait(timeout=600) == 0, b.stderr.read()[-3000:]
        assert b_ray, "sweep b had Ray processes of its own"
    finally:
        for proc in (a, b):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
    for name, n in (("a", 2), ("b", 3)):
        runs = child_runs(client, sweep_state(folder, name)["parent_run_id"])
        # a trial the driver started moments before it died, which Tune had not yet recorded, is replaced
        lost = [r for r in runs if r.data.tags.get("status") == "lost"]
        assert all(r.info.status == "KILLED" for r in lost), "a lost trial's run is closed, not left RUNNING"
        runs = [r for r in runs if r not in lost]
        assert len({r.data.tags["ray_trial_id"] for r in runs}) == len(runs) == n, "every trial has exactly one run"
        assert all(r.info.status == "FINISHED" and "aua" in r.data.metrics for r in runs), name
