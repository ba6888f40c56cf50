"""The MLflow UI over a smoke sweep, checked in a real headless Chromium: the runs page lists the
trial runs with a metric column, and the compare page opens on them.  Screenshots are kept in
test-artifacts/."""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sweep_helpers import ROOT

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("chromium") is None,
                                 reason="Debian's chromium is not installed (.ci/run installs it)")]
ARTIFACTS = ROOT / "test-artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def mlflow_server(smoke_sweep):
    port = free_port()
    env = dict(os.environ, MLFLOW_SERVER_ENABLE_JOB_EXECUTION="false")
    server = subprocess.Popen([sys.executable, "-m", "mlflow", "server", "--backend-store-uri",
                               smoke_sweep["client"].tracking_uri, "--host", "127.0.0.1", "--port", str(port),
                               "--workers", "1"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/health", timeout=2)
            break
        except OSError:
            time.sleep(1)
    else:
        server.kill()
        pytest.fail("mlflow server did not come up within 90 s")
    yield url
    os.killpg(server.pid, 15)
    server.wait(timeout=30)


def chromium(url: str, tmp_path: Path, *extra) -> str:
    cmd = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
           f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1600,1000", "--virtual-time-budget=20000",
           *extra, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180).stdout


def test_runs_and_compare_pages_show_the_trials(mlflow_server, smoke_sweep, tmp_path):
    client, parent = smoke_sweep["client"], smoke_sweep["parent"]
    exp = client.get_run(parent).info.experiment_id
    children = client.search_runs([exp], f"tags.mlflow.parentRunId = '{parent}'")
    names = [c.info.run_name for c in children]
    runs_url = f"{mlflow_server}/#/experiments/{exp}/runs"
    dom = chromium(runs_url, tmp_path, "--dump-dom")
    for name in names:
        assert name in dom, f"trial run {name} missing from the runs page"
    assert "aua" in dom, "a metric column appears"
    ARTIFACTS.mkdir(exist_ok=True)
    chromium(runs_url, tmp_path, f"--screenshot={ARTIFACTS / 'mlflow_runs.png'}")
    assert (ARTIFACTS / "mlflow_runs.png").stat().st_size > 10000
    ids = json.dumps([c.info.run_id for c in children], separators=(",", ":"))
    compare_url = (f"{mlflow_server}/#/compare-runs?runs={urllib.parse.quote(ids)}"
                   f"&experiments={urllib.parse.quote(json.dumps([exp]))}")
    dom = chromium(compare_url, tmp_path, "--dump-dom")
    assert all(name in dom for name in names), "the compare page lists both trials"
    assert "aua" in dom and "head_ratio" in dom, "metrics and parameters are compared"
    chromium(compare_url, tmp_path, f"--screenshot={ARTIFACTS / 'mlflow_compare.png'}")
    assert (ARTIFACTS / "mlflow_compare.png").stat().st_size > 10000
