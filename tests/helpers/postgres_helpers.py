"""A private PostgreSQL on a loopback port for the tests (Debian's postgresql; .ci/run installs it)."""

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from sweep_helpers import free_port

BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
needs_postgres = pytest.mark.skipif(
    not BIN or shutil.which("runuser") is None, reason="Debian's postgresql is not installed (.ci/run installs it)"
)


def as_postgres(*cmd):
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(prefix + list(cmd), check=True, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def postgres():
    """A private PostgreSQL instance on a free loopback port, removed afterwards."""
    data = Path(tempfile.mkdtemp(prefix="pg"))
    shutil.chown(data, "postgres") if os.geteuid() == 0 else None
    port = free_port()
    as_postgres(f"{BIN[-1]}/initdb", "-D", str(data), "-A", "trust", "-U", "postgres")
    as_postgres(
        f"{BIN[-1]}/pg_ctl",
        "-D",
        str(data),
        "-w",
        "-l",
        str(data / "log"),
        "-o",
        f"-p {port} -k {data} -c listen_addresses=127.0.0.1",
        "start",
    )
    for db in ("mlflow", "optuna"):
        as_postgres(f"{BIN[-1]}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", db)
    yield f"postgresql://postgres@127.0.0.1:{port}"
    as_postgres(f"{BIN[-1]}/pg_ctl", "-D", str(data), "-m", "fast", "stop")
    shutil.rmtree(data, ignore_errors=True)
