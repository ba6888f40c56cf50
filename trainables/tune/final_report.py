"""The end of a sweep, for the trials it reports on (the Pareto front and the champion): log the
ticket as an MLflow model, and attack it once more on the report split no decision used.

Runs as a Ray task on any node: the ticket comes from the trial's last checkpoint in the sweep's
storage (every node reaches it), the data from the driver through Ray's object store; the numbers
go to the trial's MLflow run as `report_*` metrics (with the `report_split` tag) and back to the
driver.
"""
from __future__ import annotations

import logging
import math
from pathlib import Path

import mlflow
from mlflow.tracking import MlflowClient
from transformers import AutoTokenizer

from trainables.attacks.evaluate import evaluate_robustness
from trainables.config import validate_config
from trainables.data import provided
from trainables.earlyrobust.pruning import load_pruned
from trainables.earlyrobust.training import device
from trainables.secrets import MLFLOW_ENV, resolve
from trainables.tune.tracking import log_ticket_model


def report_ticket(run_id: str, config: dict, tracking_uri: str, checkpoint, inputs: dict | None = None) -> dict:
    provided.install(inputs)
    logging.getLogger("mlflow").setLevel(logging.WARNING)  # keeps the driver's console to the sweep's lines
    cfg = validate_config(config)
    tracking_uri = resolve(tracking_uri, MLFLOW_ENV)  # given redacted: Ray keeps task arguments
    mlflow.set_tracking_uri(tracking_uri)
    client = MlflowClient(tracking_uri)
    with checkpoint.as_directory() as folder:
        folder = Path(folder)
        uri = log_ticket_model(client, run_id, folder / "ticket_model")
        model, _ = load_pruned(folder / "ticket_model")
        tokenizer = AutoTokenizer.from_pretrained(str(folder / "ticket_model"))
        dev = device()
        out = folder / f"report_attack_{cfg['report_split']}.jsonl"
        result = evaluate_robustness(model.to(dev).eval(), tokenizer, cfg, cfg["report_split"], out, dev)
        # the worst case and each attack of a list, and the page of its examples
        for path in [*sorted(folder.glob(f"{out.stem}*.jsonl")), out.with_suffix(".html")]:
            if path.exists():
                client.log_artifact(run_id, str(path))
    metrics = {f"report_{k}": float(v) for k, v in result.items() if isinstance(v, (int, float)) and math.isfinite(v)}
    client.log_batch(run_id, metrics=[mlflow.entities.Metric(k, v, mlflow.utils.time.get_current_time_millis(), 0)
                                      for k, v in metrics.items()])
    client.set_tag(run_id, "report_split", cfg["report_split"])
    return {**metrics, "ticket_model_uri": uri}
