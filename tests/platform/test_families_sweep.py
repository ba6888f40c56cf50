"""The smoke sweep end to end on each newer encoder family (tiny random models): DistilBERT, DeBERTa-v3
and ModernBERT trials search, prune, fine-tune, attack, report, and register a champion that loads in
an interpreter that cannot import the project, with the project loader's predictions."""
import json
from pathlib import Path

import mlflow
import pandas as pd
import pytest
from mlflow.tracking import MlflowClient

from serving_helpers import assert_same, expected, isolated_predictions
from sweep_helpers import child_runs, short_dir, sweep, sweep_state

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("model", ["tiny-distilbert", "tiny-deberta-v3", "tiny-modernbert"])
def test_smoke_sweep_runs_on_each_family(model, tmp_path):
    folder = short_dir()
    done = sweep(["--space", "smoke", "--name", "fam", "--num-samples", "1", "--set", f"model={model}",
                  "--set", "train_size=640", "--set", "ft_epochs=1", "--set", "head_ratio=0.25",
                  "--set", "ffn_ratio=0.5"], folder)
    assert done.returncode == 0, done.stderr[-3000:]
    client = MlflowClient(f"sqlite:///{folder / 'mlflow.db'}")
    (run,) = child_runs(client, sweep_state(folder, "fam")["parent_run_id"])
    assert run.info.status == "FINISHED" and run.data.params["model"] == model
    metrics = run.data.metrics
    assert metrics["head_sparsity"] == 0.25 and metrics["ffn_sparsity"] == 0.5
    assert metrics["train_flops"] > 0 and 0 <= metrics["aua"] <= metrics["clean_acc"] <= 1
    ticket = json.loads(Path(mlflow.artifacts.download_artifacts(
        run_id=run.info.run_id, artifact_path="ticket.json", tracking_uri=client.tracking_uri)).read_text())
    assert sum(map(len, ticket["heads"])) == round(0.75 * sum(ticket["num_heads"]))
    mlflow.set_tracking_uri(client.tracking_uri)
    out = mlflow.pyfunc.load_model("models:/earlyrobust-ticket@champion").predict(pd.DataFrame({"text": ["a fine film"]}))
    assert list(out.columns) == ["label", "prob_0", "prob_1"] and abs(out["prob_0"][0] + out["prob_1"][0] - 1) < 1e-5
    assert_same(isolated_predictions(client, tmp_path), expected(client))
