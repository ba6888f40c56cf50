"""Driver-side MLflow: check the address, the experiment, the parent run, the champion."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from urllib.parse import quote, urlencode

import mlflow
from mlflow.tracking import MlflowClient

from platform.validation import check_listening
from trainables.errors import ConfigError
from trainables.secrets import redact

PARENT_NOTE = """EarlyRobust sweep `{name}` (space `{space}`).

Each child run is one Ray Tune trial: a robust early-bird ticket searched under adversarial
training, stopped when its mask converged (`search_stop_epoch`, `mask_distance`), pruned
(`head_sparsity`, `ffn_sparsity`, `param_sparsity`), fine-tuned and attacked (`clean_acc`, `aua`,
`suc`, `avg_queries`).  `train_flops` and `speedup_vs_dense` give the cost against dense FreeLB.
Compare children in the runs table; the best ticket is registered as `{model}@champion`.
Objective: {objective}."""


ANSWER_TIMEOUT_S = 15  # for a tracking server's or database's first answer


def default_uri(cwd: Path) -> str:
    return f"sqlite:///{cwd / 'mlflow.db'}"


class _NotFrom(logging.Filter):
    """Drops the records of one thread: a probe the command has given up on."""

    def __init__(self, thread_id: int | None):
        super().__init__()
        self.thread_id = thread_id

    def filter(self, record: logging.LogRecord) -> bool:
        return record.thread != self.thread_id


def check_reachable(uri: str) -> MlflowClient:
    if uri.startswith("sqlite:///"):
        folder = Path(uri[len("sqlite:///") :]).parent
        if not folder.is_dir() or not os.access(folder, os.W_OK):
            raise ConfigError(f"--mlflow-uri {uri}: folder {folder} does not exist or cannot be written")
    elif uri.startswith(("http://", "https://")):
        os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
        os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "5")
    elif uri.startswith(("postgresql", "mysql")):  # a database that does not answer: seconds, not minutes
        check_listening(uri, "--mlflow-uri", 3306 if uri.startswith("mysql") else 5432)
    elif not uri.startswith("databricks"):
        raise ConfigError(
            f"--mlflow-uri {redact(uri)!r} is not supported: use sqlite:///path, http(s)://host:port "
            "or a database URI (postgresql://...)"
        )

    mlflow.set_tracking_uri(uri)  # the fluent API (model registration) must use the same store
    failure: list = []
    clients: list = []

    def probe() -> None:
        try:  # the client connects (and retries) as it is made
            clients.append(MlflowClient(uri))
            clients[0].search_experiments(max_results=1)
        except Exception as exc:  # noqa: BLE001  (reported below, whatever it is)
            failure.append(exc)
        else:
            failure.append(None)

    # a server that accepts the connection but never answers would hold a client for minutes
    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(None if uri.startswith("sqlite") else ANSWER_TIMEOUT_S)  # a local file: however long it migrates
    if not failure:  # given up on: its retries (MLflow's, for minutes) are no one's to read
        logging.getLogger("mlflow.store.db.utils").addFilter(_NotFrom(thread.ident))
    if not failure or failure[0] is not None:
        reason = type(failure[0]).__name__ if failure else f"no answer within {ANSWER_TIMEOUT_S} s"
        raise ConfigError(
            f"--mlflow-uri {redact(uri)}: MLflow is not reachable ({reason}); start the server or fix the address"
        )
    return clients[0]


# MLflow 3.17 opens an experiment on its GenAI overview unless told it holds model training: the tag
# (read where the UI's workflow selector is off) and `workflowType=machine_learning` in the URL (the
# selector's default is GenAI, kept in the browser's local storage)
KIND_TAG, KIND = "mlflow.experimentKind", "custom_model_development"


def experiment_id(client: MlflowClient, name: str, artifact_root: Path | None) -> str:
    found = client.get_experiment_by_name(name)
    if found is not None:
        if found.tags.get(KIND_TAG) is None:
            client.set_experiment_tag(found.experiment_id, KIND_TAG, KIND)
        return found.experiment_id
    location = artifact_root.resolve().as_uri() if artifact_root is not None else None
    return client.create_experiment(name, artifact_location=location, tags={KIND_TAG: KIND})


def runs_url(base: str, experiment: str, parent_run_id: str, metric: str = "aua") -> str:
    """The experiment's runs table showing this sweep's trials (flat, best `metric` first)."""
    query = urlencode(
        {
            "workflowType": "machine_learning",
            "searchFilter": f"tags.mlflow.parentRunId = '{parent_run_id}'",
            "orderByKey": f"metrics.`{metric}`",
            "orderByAsc": "false",
        },
        quote_via=quote,
    )
    return f"{base}/#/experiments/{experiment}/runs?{query}"


def create_parent(
    client: MlflowClient, exp_id: str, name: str, space, objective: str, model_name: str, metric: str = "aua"
) -> str:
    run = client.create_run(
        exp_id,
        run_name=name,
        tags={
            "sweep": name,
            "space": space.name,
            "objective": objective,
            "selection_metric": metric,
            "varied": ",".join(space.varied()),
            "mlflow.note.content": PARENT_NOTE.format(
                name=name, space=space.name, objective=objective, model=model_name
            ),
        },
    )
    for key, value in space.fixed.items():
        client.log_param(run.info.run_id, key, value)
    return run.info.run_id


def describe(row: dict) -> str:
    """A trial's robustness in words: selection and report Aua with their intervals and sizes."""
    config = row.get("config", {})

    def measured(key):
        value = row.get(key, float("nan"))
        return isinstance(value, (int, float)) and value == value

    def one(prefix: str, split: str) -> str:
        name = "report" if prefix else "selection"
        key = "aua" if measured(prefix + "aua") or not measured(prefix + "clean_acc") else "clean_acc"
        if not measured(prefix + key):
            return f"{name} aua not measured"
        low, high = row.get(f"{prefix}{key}_ci_low", float("nan")), row.get(f"{prefix}{key}_ci_high", float("nan"))
        return (
            f"{name} {key} {row[prefix + key]:.3f} [{low:.2f}, {high:.2f}] "
            f"on {split} (n={int(row.get(prefix + 'attack_n', 0))})"
        )

    return f"{one('', config.get('attack_split', 'validation'))}; {one('report_', config.get('report_split', 'test'))}"


def register_champion(client: MlflowClient, row: dict, model_name: str) -> str:
    """Register the trial's `ticket` model, point the `champion` alias at it, and tag the version with
    its selection and report numbers (clearly named); returns the version."""
    run_id = row["run_id"]
    uri = row.get("ticket_model_uri") or client.get_run(run_id).data.tags["ticket_model_uri"]
    version = mlflow.register_model(uri, model_name)
    client.set_registered_model_alias(model_name, "champion", version.version)
    tags = version_tags(row)
    for key, value in tags.items():
        client.set_model_version_tag(model_name, version.version, key, value)
    client.update_model_version(model_name, version.version, description=describe(row))
    return version.version


def version_tags(row: dict) -> dict:
    """The registered version's tags: the splits, and the registry's `tag` metrics (attack numbers as
    `selection_*` and `report_*`, each attack of a list too)."""
    # deferred: these load the attacks (torch, transformers); the CLI answers bad input before
    from trainables.metric_registry import names  # noqa: PLC0415
    from trainables.tune.tune_reports import attack_columns  # noqa: PLC0415

    config = row.get("config", {})
    tags = {
        "selection_split": config.get("attack_split", "validation"),
        "report_split": config.get("report_split", "test"),
    }
    tagged = names(tag=True)
    selection = [*names(tag=True, attack=True), *(k for k in attack_columns([row]) if not k.startswith("report_"))]
    report = [f"report_{k}" for k in selection]
    for key in dict.fromkeys([*tagged, *selection, *report]):
        value = row.get(key)
        if isinstance(value, (int, float)) and value == value:  # attack numbers say which split they are on
            tags[f"selection_{key}" if key in selection else key] = f"{value:.4g}"
    return tags
