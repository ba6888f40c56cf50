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
import time
from pathlib import Path

import mlflow
import ray
from mlflow.tracking import MlflowClient
from transformers import AutoTokenizer

from trainables.attacks.robustness import evaluate_robustness
from trainables.compute import device
from trainables.config import validate_config
from trainables.data import provided
from trainables.earlyrobust.pruning import load_pruned
from trainables.phase_clock import duration
from trainables.secrets import MLFLOW_ENV, resolve
from trainables.tune.trial_tracking import log_ticket_model


@ray.remote(num_cpus=0)
class ReportBoard:
    """Where the report tasks post how far their attacks have got, for the driver to show."""

    def __init__(self):
        self.seen: dict[str, tuple] = {}  # trial -> (done, total, first done, first time, last time)

    def post(self, trial: str, done: int, total: int) -> None:
        first = self.seen.get(trial, (done, total, done, time.monotonic(), 0.0))
        self.seen[trial] = (done, total, first[2], first[3], time.monotonic())

    def line(self) -> str:
        """`k/N` attacked per trial and the time left at each one's own pace (they run side by side)."""
        if not self.seen:
            return "report: starting the attacks"
        left = []
        for done, total, first, since, last in self.seen.values():
            rate = (last - since) / (done - first) if done > first else math.nan
            left.append((total - done) * rate)
        finite = [x for x in left if math.isfinite(x)]
        eta = f"{duration(max(finite))} left" if len(finite) == len(left) else "measuring the time left"
        return "report: attacked " + ", ".join(f"{d}/{t}" for d, t, *_ in self.seen.values()) + f"; {eta}"


def report_ticket(
    run_id: str, config: dict, tracking_uri: str, checkpoint, inputs: dict | None = None, board=None, trial: str = ""
) -> dict:
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
        last = [0.0]

        def progress(done: int, total: int) -> None:  # to the driver's board, at most every 5 s
            if board is not None and (done == total or time.monotonic() - last[0] >= 5):
                last[0] = time.monotonic()
                board.post.remote(trial, done, total)

        result = evaluate_robustness(model.to(dev).eval(), tokenizer, cfg, cfg["report_split"], out, dev, progress)
        # the worst case and each attack of a list, and the page of its examples
        for path in [*sorted(folder.glob(f"{out.stem}*.jsonl")), out.with_suffix(".html")]:
            if path.exists():
                client.log_artifact(run_id, str(path))
    metrics = {f"report_{k}": float(v) for k, v in result.items() if isinstance(v, (int, float)) and math.isfinite(v)}
    client.log_batch(
        run_id,
        metrics=[
            mlflow.entities.Metric(k, v, mlflow.utils.time.get_current_time_millis(), 0) for k, v in metrics.items()
        ],
    )
    client.set_tag(run_id, "report_split", cfg["report_split"])
    return {**metrics, "ticket_model_uri": uri}
