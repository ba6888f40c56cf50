"""The registered champion, loaded where the project cannot be imported, against the project's own loader."""

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


def isolated_predictions(client, cwd: Path) -> list[dict]:
    """The champion's predictions on TEXTS from an interpreter that cannot import the project."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, "-I", "-c", ISOLATED, str(ROOT), URI, json.dumps(TEXTS)],
        cwd=cwd,
        env=dict(env, MLFLOW_TRACKING_URI=client.tracking_uri),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.split("RESULT", 1)[1])


def serve_records(tracking_uri: str, records: list[dict], cwd: Path, uri: str = URI) -> list[dict]:
    """Start `mlflow models serve` on the model, post the records to /invocations, return the predictions."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mlflow",
            "models",
            "serve",
            "-m",
            uri,
            "--env-manager",
            "local",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-w",
            "1",
        ],
        cwd=cwd,
        # mlflow runs `uvicorn` by name: the environment's bin folder on PATH, as when activated
        env=dict(
            os.environ,
            MLFLOW_TRACKING_URI=tracking_uri,
            PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
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
        body = json.dumps({"dataframe_records": records}).encode()
        request = urllib.request.Request(url + "/invocations", data=body, headers={"Content-Type": "application/json"})
        return json.loads(urllib.request.urlopen(request, timeout=60).read())["predictions"]
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
