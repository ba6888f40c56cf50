"""A sentence-pair task end to end: a smoke sweep on RTE (string labels, sentence1/sentence2) trains and
attacks pairs, bertattack never changes the premise (sentence1), and the champion serves a pair and
answers with the data's own label names."""

import json
from pathlib import Path

import mlflow
import pandas as pd
import pytest
from mlflow.tracking import MlflowClient

from serving_helpers import serve_records
from sweep_helpers import child_runs, short_dir, sweep, sweep_state

pytestmark = pytest.mark.slow
PAIRS = [
    {"text": "The cat sat on the mat.", "text_pair": "A cat is sitting."},
    {"text": "Paris is the capital of France.", "text_pair": "Berlin is in Spain."},
]


def test_an_rte_sweep_attacks_pairs_and_its_champion_serves_them(tmp_path):
    folder = short_dir()
    done = sweep(
        [
            "--space",
            "smoke",
            "--name",
            "rte",
            "--num-samples",
            "1",
            "--set",
            "dataset=rte",
            "--set",
            "attack=textfooler,bertattack",
            "--set",
            "attack_n=8",
        ],
        folder,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    client = MlflowClient(f"sqlite:///{folder / 'mlflow.db'}")
    (run,) = child_runs(client, sweep_state(folder, "rte")["parent_run_id"])
    assert 0 <= run.data.metrics["aua"] <= run.data.metrics["aua_bertattack"] <= run.data.metrics["clean_acc"]
    rows = [
        json.loads(line)
        for line in Path(
            mlflow.artifacts.download_artifacts(
                run_id=run.info.run_id, artifact_path="attack_bertattack.jsonl", tracking_uri=client.tracking_uri
            )
        )
        .read_text()
        .splitlines()
    ]
    assert len(rows) == 8 and all(r["original_pair"] for r in rows)
    assert all(r["perturbed"] == r["original"] for r in rows), "bertattack never changes sentence1 (the premise)"
    assert all(r["perturbed_pair"] != r["original_pair"] for r in rows if r["status"] == "succeeded")
    mlflow.set_tracking_uri(client.tracking_uri)
    model = mlflow.pyfunc.load_model("models:/earlyrobust-ticket@champion")
    out = model.predict(pd.DataFrame(PAIRS))
    assert set(out["label"]) <= {"entailment", "not_entailment"} and len(out) == 2
    assert ((out["prob_0"] + out["prob_1"] - 1).abs() < 1e-5).all()
    with pytest.raises(Exception, match="text_pair"):
        model.predict(pd.DataFrame({"text": ["no pair given"]}))
    served = serve_records(client.tracking_uri, PAIRS, tmp_path)
    assert [r["label"] for r in served] == list(out["label"])
