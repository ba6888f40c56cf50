"""MLflow from inside a trial: one child run per Tune trial under the sweep's parent run.

The tracking address reaches the worker explicitly (inside a Ray worker MLflow's default is a
local path).  A trial that restarts (resume, retry) finds its run by the `ray_trial_id` tag and
reuses it, so no trial ever gets two runs; each start is counted in the `attempts` tag.
Metrics are logged *before* they are reported to Tune: a trial stopped by a scheduler dies
inside `tune.report`.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import mlflow
import pandas
import pandas as pd
import ray
import safetensors
import torch
import transformers
from mlflow.models import ModelSignature
from mlflow.tracking import MlflowClient
from mlflow.types import ColSpec, Schema
from transformers import AutoConfig

from trainables.secrets import MLFLOW_ENV, redact, resolve
from trainables.tune import pyfunc_model
from trainables.tune.mask_plot import plot_distances
from trainables.tune.tune_reports import logged

INPUT_EXAMPLE = ["a gripping , beautifully acted film", "dull and lifeless , a waste of time"]


def signature(num_labels: int, named: bool = False, pair: bool = False) -> ModelSignature:
    """`text` (and `text_pair` for a sentence-pair ticket) in; the label (the user's class name when the
    data had string labels) and each class probability out."""
    return ModelSignature(
        inputs=Schema([ColSpec("string", "text")] + ([ColSpec("string", "text_pair")] if pair else [])),
        outputs=Schema(
            [ColSpec("string" if named else "long", "label")]
            + [ColSpec("double", f"prob_{k}") for k in range(num_labels)]
        ),
    )


def custom_labels(config) -> bool:
    """Whether a model config names its classes (not transformers' LABEL_k defaults)."""
    return any(str(name) != f"LABEL_{i}" for i, name in config.id2label.items())


def pip_requirements() -> list[str]:
    """What the registered model needs, pinned to what logged it; all on the public index."""
    return [
        f"mlflow=={mlflow.__version__}",
        f"torch=={torch.__version__.split('+')[0]}",
        f"transformers=={transformers.__version__}",
        f"safetensors=={safetensors.__version__}",
        f"pandas=={pandas.__version__}",
    ]


@dataclass(frozen=True)
class TrackingInfo:
    """Where the trials log.  Tune pickles this into the sweep's storage, so it holds the URI
    redacted; `uri` is the whole one, from the environment of the driver and of every worker."""

    tracking_uri: str
    experiment_id: str
    parent_run_id: str

    def __post_init__(self):
        object.__setattr__(self, "tracking_uri", redact(self.tracking_uri))

    @property
    def uri(self) -> str:
        return resolve(self.tracking_uri, MLFLOW_ENV)


def find_trial_run(client: MlflowClient, info: TrackingInfo, trial_id: str):
    runs = client.search_runs(
        [info.experiment_id],
        f"tags.ray_trial_id = '{trial_id}' and tags.mlflow.parentRunId = '{info.parent_run_id}'",
        max_results=2,
    )
    return runs[0] if runs else None


class TrialTracker:
    def __init__(self, info: TrackingInfo, trial_id: str, trial_name: str, params: dict):
        mlflow.set_tracking_uri(info.uri)
        self.client = MlflowClient(info.uri)
        run = find_trial_run(self.client, info, trial_id)
        if run is None:
            run = self.client.create_run(
                info.experiment_id,
                run_name=trial_name,
                tags={"mlflow.parentRunId": info.parent_run_id, "ray_trial_id": trial_id, "attempts": "1"},
            )
            self.client.log_batch(
                run.info.run_id, params=[mlflow.entities.Param(k, str(v)) for k, v in sorted(params.items())]
            )
        else:
            attempts = int(run.data.tags.get("attempts", "1")) + 1
            self.client.set_tag(run.info.run_id, "attempts", str(attempts))
            self.client.update_run(run.info.run_id, status="RUNNING")
        self.run_id = run.info.run_id
        self.set_tag("worker_pid", str(os.getpid()))
        self.set_tag("ray_node_id", ray.get_runtime_context().get_node_id())

    def log_metrics(self, report: dict, step: int) -> None:
        metrics = {
            k: float(v) for k, v in report.items() if logged(k) and isinstance(v, (int, float)) and math.isfinite(v)
        }
        if metrics:
            self.client.log_batch(
                self.run_id,
                metrics=[
                    mlflow.entities.Metric(k, v, int(mlflow.utils.time.get_current_time_millis()), step)
                    for k, v in metrics.items()
                ],
            )

    def set_tag(self, key: str, value: str) -> None:
        self.client.set_tag(self.run_id, key, value)

    def log_results(self, workdir: Path) -> None:
        """Artifacts of a finished trial: ticket, distance record and plot, attack JSONL.  The model
        itself is logged only for the trials the sweep reports on (`log_ticket_model`)."""
        for name in (
            "ticket.json",
            "distances.json",
            "attack.html",
            *sorted(p.name for p in workdir.glob("attack*.jsonl")),
        ):
            if (workdir / name).exists():
                self.client.log_artifact(self.run_id, str(workdir / name))
        if (workdir / "distances.json").exists():
            png = plot_distances(json.loads((workdir / "distances.json").read_text()), workdir / "mask_distance.png")
            self.client.log_artifact(self.run_id, str(png))


def log_ticket_model(client: MlflowClient, run_id: str, model_dir: Path) -> str:
    """Log a ticket folder as the run's MLflow model `ticket` (from code: nothing pickled, nothing of this
    project imported at load); tags the run with `ticket_model_uri` and returns it."""
    config = AutoConfig.from_pretrained(model_dir)
    num_labels, named, pair = config.num_labels, custom_labels(config), bool(getattr(config, "text_pair_columns", None))
    max_length = json.loads((model_dir / "tokenizer_config.json").read_text())["model_max_length"]
    # the fluent API checks the run against its active experiment: make it the run's own
    mlflow.set_experiment(experiment_id=client.get_run(run_id).info.experiment_id)
    with mlflow.start_run(run_id=run_id, nested=True):
        info = mlflow.pyfunc.log_model(
            name="ticket",
            python_model=pyfunc_model.__file__,
            artifacts={"ticket_model": str(model_dir)},
            model_config={"max_length": int(max_length)},
            pip_requirements=pip_requirements(),
            signature=signature(num_labels, named, pair),
            input_example=pd.DataFrame({"text": INPUT_EXAMPLE, **({"text_pair": INPUT_EXAMPLE[::-1]} if pair else {})}),
        )
    client.set_tag(run_id, "ticket_model_uri", info.model_uri)
    return info.model_uri
