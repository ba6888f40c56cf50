"""No password at rest: a sweep given database URIs with a password writes it nowhere (storage, Ray's
files, MLflow's params, tags and artifacts, the summary, its own output); --resume takes the URIs again
from the command line or the environment.  Needs Debian's postgresql (.ci/run installs it)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

from postgres_helpers import needs_postgres, postgres  # noqa: F401  (the fixture)
from sweep_helpers import child_runs, short_dir, sweep_state

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Pw-k9Tq2zX"


def run(folder: Path, *args, **env):
    """The sweep CLI run from `folder` (its MLflow artifacts land there, not in the checkout)."""
    return subprocess.run([sys.executable, "-m", "platform.sweep", "--storage-path", str(folder / "s"), *args],
                          cwd=folder, capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, PYTHONPATH=str(ROOT), **env))


@pytest.mark.slow
@needs_postgres
def test_a_password_is_written_nowhere_and_resume_asks_for_it(postgres):  # noqa: F811
    base = postgres.replace("postgresql://postgres@", f"postgresql+psycopg://postgres:{SECRET}@")
    mlflow_uri, study = f"{base}/mlflow", f"{base}/optuna"
    folder = short_dir()
    done = run(folder, "--space", "smoke", "--name", "pw", "--mlflow-uri", mlflow_uri, "--optuna-storage", study)
    assert done.returncode == 0, done.stderr[-3000:]
    assert SECRET not in done.stdout + done.stderr
    assert "postgres:***@" in done.stdout, "the URI is shown redacted"
    leaks = [str(p) for p in folder.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert not leaks, f"the password is at rest in {leaks}"
    assert sweep_state(folder, "pw")["args"]["optuna_storage"].endswith("postgres:***@" + study.split("@")[1])

    client = MlflowClient(mlflow_uri)
    parent = client.get_run(sweep_state(folder, "pw")["parent_run_id"])
    runs = [parent] + child_runs(client, parent.info.run_id)
    for r in runs:
        assert SECRET not in repr(r.data.params) + repr(r.data.tags)
    version = client.get_model_version_by_alias("earlyrobust-ticket", "champion")
    assert SECRET not in repr(version.tags) + (version.description or "")

    again = run(folder, "--resume", "--name", "pw")  # neither on the command line nor in the environment
    assert again.returncode == 2 and len(again.stderr.strip().splitlines()) == 1, again.stderr
    assert "password is never saved: give --mlflow-uri again" in again.stderr and SECRET not in again.stderr
    other = run(folder, "--resume", "--name", "pw", "--mlflow-uri", mlflow_uri + "2", "--optuna-storage", study)
    assert other.returncode == 2 and "give --mlflow-uri again" in other.stderr, "another database is not this sweep's"
    resumed = run(folder, "--resume", "--name", "pw", "--optuna-storage", study,
                  MLFLOW_TRACKING_URI=mlflow_uri)  # the MLflow URI from the environment
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert len(child_runs(client, parent.info.run_id)) == 2, "the finished sweep ran nothing twice"
    leaks = [str(p) for p in folder.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert not leaks, f"the password is at rest in {leaks} after the resume"


def test_the_cluster_head_refuses_to_start_without_a_password(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "EARLYROBUST_DB_PASSWORD"}
    env["PATH"] = f"{tmp_path}:{env['PATH']}"
    (tmp_path / "sudo").write_text("#!/bin/sh\necho ran >> " + str(tmp_path / "ran") + "\n")  # nothing may run
    (tmp_path / "sudo").chmod(0o755)
    for password in (None, "CHANGE_ME"):
        done = subprocess.run(["bash", str(ROOT / "scripts" / "cluster_head.sh")], capture_output=True, text=True,
                              env=env if password is None else dict(env, EARLYROBUST_DB_PASSWORD=password), timeout=60)
        assert done.returncode == 2 and "EARLYROBUST_DB_PASSWORD is not set" in done.stderr, done.stderr
        assert not (tmp_path / "ran").exists(), "nothing was installed or started"
