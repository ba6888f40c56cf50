"""The cluster's tracking path with secrets in it: a sweep logging to an MLflow server backed by
PostgreSQL, its Optuna study in PostgreSQL, both URIs carrying a password, writes the password nowhere
(storage, Ray's files, MLflow's params, tags and artifacts, the summary, its own output); --resume
takes the URIs again from the command line or the environment.  Needs Debian's postgresql (.ci/run
installs it)."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import optuna
import pytest
from mlflow.tracking import MlflowClient

from postgres_helpers import needs_postgres, postgres  # noqa: F401  (the fixture)
from sweep_helpers import child_runs, mlflow_server, short_dir, sweep_state

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Pw-k9Tq2zX"


def run(folder: Path, *args, **env):
    """The sweep CLI run from `folder` (its MLflow artifacts land there, not in the checkout)."""
    return subprocess.run(
        [sys.executable, "-m", "platform.sweep", "--storage-path", str(folder / "s"), *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, PYTHONPATH=str(ROOT), **env),
    )


@pytest.fixture(scope="module")
def tracking_server(postgres):  # noqa: F811
    """The cluster's tracking path: an MLflow server backed by PostgreSQL, serving artifacts."""
    with mlflow_server(
        f"{postgres}/mlflow", "--artifacts-destination", tempfile.mkdtemp(prefix="mlart"), "--serve-artifacts"
    ) as url:
        yield url


@pytest.mark.slow
@needs_postgres
def test_a_sweep_on_postgres_writes_no_password_and_resume_asks_for_it(postgres, tracking_server):  # noqa: F811

    study = postgres.replace("postgresql://postgres@", f"postgresql+psycopg://postgres:{SECRET}@") + "/optuna"
    mlflow_uri = tracking_server.replace("http://", f"http://alice:{SECRET}@")  # a token or password in the URI
    folder = short_dir()
    done = run(folder, "--space", "smoke", "--name", "pw", "--mlflow-uri", mlflow_uri, "--optuna-storage", study)
    assert done.returncode == 0, done.stderr[-3000:]
    assert SECRET not in done.stdout + done.stderr
    assert "http://***@127.0.0.1:" in done.stdout, "the URI is shown redacted"
    leaks = [str(p) for p in folder.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert not leaks, f"the password is at rest in {leaks}"
    assert sweep_state(folder, "pw")["args"]["optuna_storage"].endswith("postgres:***@" + study.split("@")[1])

    client = MlflowClient(mlflow_uri)
    parent = client.get_run(sweep_state(folder, "pw")["parent_run_id"])
    runs = child_runs(client, parent.info.run_id)
    assert len(runs) == 2 and all(r.info.status == "FINISHED" and "aua" in r.data.metrics for r in runs)
    assert "ticket.json" in {f.path for f in client.list_artifacts(runs[0].info.run_id)}, "artifacts via the server"
    for r in [parent, *runs]:
        assert SECRET not in repr(r.data.params) + repr(r.data.tags)
    version = client.get_model_version_by_alias("earlyrobust-ticket", "champion")
    assert SECRET not in repr(version.tags) + (version.description or "")
    finished = [
        t
        for t in optuna.load_study(study_name="pw", storage=study).trials
        if t.state == optuna.trial.TrialState.COMPLETE
    ]  # the study lives in PostgreSQL
    assert sorted(t.value for t in finished) == sorted(r.data.metrics["aua"] for r in runs)
    assert {tuple(sorted(t.params)) for t in finished} == {("conv_eps", "ffn_ratio", "head_ratio")}

    again = run(folder, "--resume", "--name", "pw")  # neither on the command line nor in the environment
    assert again.returncode == 2 and len(again.stderr.strip().splitlines()) == 1, again.stderr
    assert "password is never saved: give --mlflow-uri again" in again.stderr and SECRET not in again.stderr
    port = mlflow_uri.rsplit(":", 1)[1]
    other = run(
        folder,
        "--resume",
        "--name",
        "pw",
        "--mlflow-uri",
        mlflow_uri.replace(port, str(int(port) + 1)),
        "--optuna-storage",
        study,
    )
    assert other.returncode == 2 and "give --mlflow-uri again" in other.stderr, "another server is not this sweep's"
    resumed = run(
        folder, "--resume", "--name", "pw", "--optuna-storage", study, MLFLOW_TRACKING_URI=mlflow_uri
    )  # the MLflow URI from the environment
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
        done = subprocess.run(
            ["bash", str(ROOT / "scripts" / "cluster_head.sh")],
            capture_output=True,
            text=True,
            env=env if password is None else dict(env, EARLYROBUST_DB_PASSWORD=password),
            timeout=60,
        )
        assert done.returncode == 2 and "EARLYROBUST_DB_PASSWORD is not set" in done.stderr, done.stderr
        assert not (tmp_path / "ran").exists(), "nothing was installed or started"
