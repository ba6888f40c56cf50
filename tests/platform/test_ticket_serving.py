"""The registered champion stands alone: it loads in an interpreter that cannot import this project and
predicts what the project's own loader predicts; `mlflow models serve` answers HTTP requests with it."""
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import mlflow
import pytest

from serving_helpers import TEXTS, URI, assert_same, expected, isolated_predictions
from sweep_helpers import free_port

pytestmark = pytest.mark.slow

def test_champion_loads_where_the_project_cannot_be_imported(smoke_sweep, tmp_path):
    client = smoke_sweep["client"]
    assert_same(isolated_predictions(client, tmp_path), expected(client))
    mlmodel = (Path(mlflow.artifacts.download_artifacts(URI)) / "MLmodel").read_text()
    requirements = (Path(mlflow.artifacts.download_artifacts(URI)) / "requirements.txt").read_text().split()
    assert "max_length: 32" in mlmodel and '"name": "prob_1"' in mlmodel and "input_example.json" in mlmodel
    assert not [r for r in requirements if "earlyrobust" in r] and any(r.startswith("transformers==") for r in requirements)


def test_champion_serves_over_http(smoke_sweep, tmp_path):
    client = smoke_sweep["client"]
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "mlflow", "models", "serve", "-m", URI, "--env-manager", "local",
                               "-h", "127.0.0.1", "-p", str(port), "-w", "1"], cwd=tmp_path,
                              # mlflow runs `uvicorn` by name: the environment's bin folder on PATH, as when activated
                              env=dict(os.environ, MLFLOW_TRACKING_URI=client.tracking_uri,
                                       PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(180):
            assert server.poll() is None, server.stderr.read().decode()[-3000:]
            try:
                urllib.request.urlopen(url + "/ping", timeout=2)
                break
            except OSError:
                time.sleep(1)
        else:
            pytest.fail("mlflow models serve did not answer /ping within three minutes")
        body = json.dumps({"dataframe_records": [{"text": t} for t in TEXTS]}).encode()
        request = urllib.request.Request(url + "/invocations", data=body, headers={"Content-Type": "application/json"})
        answer = json.loads(urllib.request.urlopen(request, timeout=60).read())
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    assert_same(answer["predictions"], expected(client))
