"""The held-out report: a chosen ticket attacked once more, on the report split no decision used.

Runs at the end of a sweep, as a Ray task on any node: the ticket comes from the trial's MLflow
model (so no node needs the trial's folder), and the numbers go back to the trial's MLflow run as
`report_*` metrics (with the `report_split` tag) and to the driver.
"""
from __future__ import annotations

import math
import tempfile
from pathlib import Path

import mlflow
from mlflow.tracking import MlflowClient

from trainables.attacks.evaluate import evaluate_robustness
from trainables.config import validate_config
from trainables.earlyrobust.training import device


def report_ticket(run_id: str, config: dict, tracking_uri: str) -> dict:
    cfg = validate_config(config)
    mlflow.set_tracking_uri(tracking_uri)
    client = MlflowClient(tracking_uri)
    uri = client.get_run(run_id).data.tags["ticket_model_uri"]
    ticket = mlflow.pyfunc.load_model(uri).unwrap_python_model()
    dev = device()
    model = ticket.model.to(dev).eval()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"report_attack_{cfg['report_split']}.jsonl"
        result = evaluate_robustness(model, ticket.tokenizer, cfg, cfg["report_split"], out, dev)
        if out.exists():
            client.log_artifact(run_id, str(out))
    metrics = {f"report_{k}": float(v) for k, v in result.items() if isinstance(v, (int, float)) and math.isfinite(v)}
    client.log_batch(run_id, metrics=[mlflow.entities.Metric(k, v, mlflow.utils.time.get_current_time_millis(), 0)
                                      for k, v in metrics.items()])
    client.set_tag(run_id, "report_split", cfg["report_split"])
    return metrics
