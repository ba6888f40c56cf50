"""`python -m platform.compare` given bad input, as a new user types it: one line, exit 2, nothing under
--out, within seconds even when the tracking database does not answer."""

import re
import socket
import time

import pytest
from mlflow.tracking import MlflowClient

from platform.compare import main, parser
from sweep_helpers import free_port


@pytest.fixture()
def store(tmp_path):
    """A real MLflow store holding one sweep's parent run and one trial."""
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    client = MlflowClient(uri)
    exp = client.create_experiment("earlyrobust")
    parent = client.create_run(exp, tags={"sweep": "s1", "objective": "aua", "selection_metric": "aua"})
    child = client.create_run(exp, tags={"mlflow.parentRunId": parent.info.run_id, "ray_trial_id": "t1"})
    client.log_metric(child.info.run_id, "aua", 0.3)
    client.set_terminated(child.info.run_id)
    return uri


CASES = [
    (["--mlflow-uri", "ftp://host/x"], "--mlflow-uri 'ftp://host/x' is not supported"),
    (["--mlflow-uri", "http://user:s3cret@127.0.0.1:{closed}"], "--mlflow-uri http://***@127.0.0.1:"),
    (["--mlflow-uri", "postgresql+psycopg://u:s3cret@127.0.0.1:{closed}/x"], "nothing answers at 127.0.0.1:"),
    (["--mlflow-uri", "sqlite:///{tmp}/none.db"], "there is no MLflow store at sqlite:///"),
    (["--experiment", "nope"], "--experiment 'nope' does not exist at sqlite:///"),
    (["--sweep", "nope"], "no sweep named 'nope' in this experiment"),
    (["--sort", "nope"], "--sort 'nope' is not a column: use one of"),
    (["--out", "{tmp}/a_file"], "is a file: give a folder"),
    (["--bogus"], "unrecognized arguments: --bogus"),
]


@pytest.mark.parametrize("args, message", CASES, ids=[c[1][:30] for c in CASES])
def test_bad_input_one_line_exit_2_nothing_written(args, message, store, tmp_path, capsys):
    names = {"closed": free_port(), "tmp": tmp_path}
    (tmp_path / "a_file").write_text("")
    argv = [re.sub(r"\{([^{}]+)\}", lambda m: str(names[m.group(1)]), a) for a in args]
    if "--mlflow-uri" not in argv:
        argv += ["--mlflow-uri", store]
    if "--out" not in argv:
        argv += ["--out", str(tmp_path / "out")]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("compare: error: ") and message in err, err
    assert "s3cret" not in err
    assert not (tmp_path / "out").exists() and not (tmp_path / "none.db").exists()


def test_the_cases_cover_every_flag_that_takes_a_value():
    flags = {a for action in parser()._actions if action.nargs != 0 for a in action.option_strings}
    assert flags - {a for args, _ in CASES for a in args} <= {"--help"}


@pytest.mark.slow
def test_a_database_that_never_answers_is_refused_within_seconds(capsys):
    with socket.socket() as silent:  # accepts connections, answers nothing
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        started = time.monotonic()
        code = main(["--mlflow-uri", f"postgresql+psycopg://u@127.0.0.1:{silent.getsockname()[1]}/x"])
        waited = time.monotonic() - started
    assert code == 2 and waited < 30
    assert "MLflow is not reachable (no answer within 15 s)" in capsys.readouterr().err
    # the abandoned probe goes on retrying (MLflow's engine retries for minutes): its connection now
    # refused, it must not write into whatever this process does next
    time.sleep(3)
    assert "SQLAlchemy engine could not be created" not in capsys.readouterr().err
