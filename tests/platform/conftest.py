"""One smoke sweep shared by the platform tests that only read its results."""
import pytest
from mlflow.tracking import MlflowClient
from sweep_helpers import short_dir, sweep, sweep_state


@pytest.fixture(scope="session")
def smoke_sweep():
    folder = short_dir()
    done = sweep(["--space", "smoke", "--name", "e2e"], folder)
    assert done.returncode == 0, done.stderr[-3000:]
    client = MlflowClient(f"sqlite:///{folder / 'mlflow.db'}")
    return {"folder": folder, "stdout": done.stdout, "client": client,
            "parent": sweep_state(folder, "e2e")["parent_run_id"]}
