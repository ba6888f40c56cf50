"""The cluster's tracking path for real: an MLflow server backed by PostgreSQL, and the Optuna study
stored in PostgreSQL, both on 127.0.0.1.  Needs Debian's postgresql (.ci/run installs it)."""
import tempfile

import pytest
from mlflow.tracking import MlflowClient

from postgres_helpers import needs_postgres, postgres  # noqa: F401  (the fixture)
from sweep_helpers import child_runs, short_dir, sweep, sweep_state
from sweep_helpers import mlflow_server as start_mlflow_server

pytestmark = [pytest.mark.slow, needs_postgres]


@pytest.fixture(scope="module")
def mlflow_server(postgres):  # noqa: F811
    with start_mlflow_server(f"{postgres}/mlflow", "--artifacts-destination", tempfile.mkdtemp(prefix="mlart"),
                             "--serve-artifacts") as url:
        yield url


def test_a_sweep_logs_to_the_server_and_keeps_its_study_in_postgres(postgres, mlflow_server):  # noqa: F811
    import optuna

    folder = short_dir()
    done = sweep(["--space", "smoke", "--name", "pg", "--mlflow-uri", mlflow_server,
                  "--optuna-storage", f"{postgres}/optuna"], folder)
    assert done.returncode == 0, done.stderr[-3000:]
    client = MlflowClient(mlflow_server)
    runs = child_runs(client, sweep_state(folder, "pg")["parent_run_id"])
    assert len(runs) == 2 and all(r.info.status == "FINISHED" and "aua" in r.data.metrics for r in runs)
    assert client.get_model_version_by_alias("earlyrobust-ticket", "champion")
    assert "ticket.json" in {f.path for f in client.list_artifacts(runs[0].info.run_id)}
    study = optuna.load_study(study_name="pg", storage=f"{postgres}/optuna")
    finished = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    assert len(finished) == 2
    assert sorted(t.value for t in finished) == sorted(r.data.metrics["aua"] for r in runs)
    assert {tuple(sorted(t.params)) for t in finished} == {("conv_eps", "ffn_ratio", "head_ratio")}
