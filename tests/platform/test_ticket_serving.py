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
import pandas as pd
import pytest
import torch
from transformers import AutoTokenizer

from sweep_helpers import ROOT, free_port
from trainables.earlyrobust.pruning import load_pruned

pytestmark = pytest.mark.slow

TEXTS = ["a wonderful , moving film", "a dull mess", "the plot is thin but the acting is superb " * 8]
URI = "models:/earlyrobust-ticket@champion"

ISOLATED = """
import importlib.util, json, sys
# no checkout on the path and no editable install: this interpreter cannot import the project
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
sys.path_hooks[:] = [h for h in sys.path_hooks if "editable" not in repr(h).lower()]
sys.path_importer_cache.clear()
sys.path[:] = [p for p in sys.path if not p.startswith(sys.argv[1]) or "site-packages" in p]
assert all(importlib.util.find_spec(m) is None for m in ("trainables", "search_spaces", "benchmarks"))
import mlflow, pandas as pd
model = mlflow.pyfunc.load_model(sys.argv[2])
out = model.predict(pd.DataFrame({"text": json.loads(sys.argv[3])}))
assert not [m for m in sys.modules if m.split(".")[0] in ("trainables", "search_spaces")]
print("RESULT" + out.to_json(orient="records"))
"""


def expected(client) -> pd.DataFrame:
    """The project's own loader (no remote code) on the champion's ticket folder, at the trial's max_length."""
    mlflow.set_tracking_uri(client.tracking_uri)
    folder = Path(mlflow.artifacts.download_artifacts(URI)) / "artifacts" / "ticket_model"
    model, _ = load_pruned(folder)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    enc = tokenizer(TEXTS, padding=True, truncation=True, return_tensors="pt")
    assert enc["input_ids"].shape[1] == tokenizer.model_max_length == 32, "the smoke space's max_length travels"
    with torch.no_grad():
        probs = torch.softmax(model(**enc).logits, dim=-1).numpy()
    return pd.DataFrame({"label": probs.argmax(1), **{f"prob_{k}": probs[:, k] for k in range(probs.shape[1])}})


def assert_same(records: list[dict], want: pd.DataFrame) -> None:
    got = pd.DataFrame(records)
    assert list(got.columns) == list(want.columns) and len(got) == len(want)
    assert (got["label"].to_numpy() == want["label"].to_numpy()).all()
    for column in want.columns[1:]:
        assert abs(got[column].to_numpy() - want[column].to_numpy()).max() < 1e-5


def test_champion_loads_where_the_project_cannot_be_imported(smoke_sweep, tmp_path):
    client = smoke_sweep["client"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-I", "-c", ISOLATED, str(ROOT), URI, json.dumps(TEXTS)], cwd=tmp_path,
                          env=dict(env, MLFLOW_TRACKING_URI=client.tracking_uri), capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    records = json.loads(done.stdout.split("RESULT", 1)[1])
    assert_same(records, expected(client))
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
