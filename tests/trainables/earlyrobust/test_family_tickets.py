"""Each newer encoder family end to end (tiny random models): a DistilBERT, DeBERTa-v3 and ModernBERT trial
searches, prunes, fine-tunes and attacks; its ticket, logged and registered in a real MLflow store, loads
in an interpreter that cannot import the project with the project loader's predictions.  (The sweep's
Ray, Tune and MLflow plumbing, which no family changes, is the smoke sweep's: tests/platform.)"""

import json

import mlflow
import pandas as pd
import pytest
from mlflow.tracking import MlflowClient

from platform.sweep_tracking import register_champion
from serving_helpers import assert_same, expected, isolated_predictions
from trainables.pipeline import run_trial
from trainables.tune.trial_tracking import log_ticket_model

SMOKE = {
    "dataset": "sst2",
    "train_size": 640,
    "eval_size": 128,
    "max_length": 32,
    "lr": 0.001,
    "ft_lr": 0.002,
    "l1_head": 0.001,
    "l1_ffn": 0.001,
    "adv_steps": 2,
    "check_interval": 0.125,
    "conv_window": 2,
    "attack_n": 16,
    "conv_eps": 0.2,
    "ft_epochs": 1,
    "head_ratio": 0.25,
    "ffn_ratio": 0.5,
}


@pytest.mark.slow
@pytest.mark.parametrize("model", ["tiny-distilbert", "tiny-deberta-v3", "tiny-modernbert"])
def test_a_trial_on_each_family_registers_a_ticket_that_serves_without_the_project(model, tmp_path):
    result = run_trial({**SMOKE, "model": model}, tmp_path / "trial")
    assert result["head_sparsity"] == 0.25 and result["ffn_sparsity"] == 0.5
    assert result["train_flops"] > 0 and 0 <= result["aua"] <= result["clean_acc"] <= 1
    ticket = json.loads((tmp_path / "trial" / "final" / "ticket.json").read_text())
    assert sum(map(len, ticket["heads"])) == round(0.75 * sum(ticket["num_heads"]))
    client = MlflowClient(f"sqlite:///{tmp_path / 'mlflow.db'}")
    mlflow.set_tracking_uri(client.tracking_uri)
    run = client.create_run(client.create_experiment("families", artifact_location=(tmp_path / "art").as_uri()))
    uri = log_ticket_model(client, run.info.run_id, tmp_path / "trial" / "final" / "ticket_model")
    register_champion(client, {"run_id": run.info.run_id, "ticket_model_uri": uri, **result}, "earlyrobust-ticket")
    out = mlflow.pyfunc.load_model("models:/earlyrobust-ticket@champion").predict(
        pd.DataFrame({"text": ["a fine film"]})
    )
    assert list(out.columns) == ["label", "prob_0", "prob_1"] and abs(out["prob_0"][0] + out["prob_1"][0] - 1) < 1e-5
    assert_same(isolated_predictions(client, tmp_path), expected(client))
