"""Any text classifier, by where it is: a ticket folder, a registered or logged MLflow model
(`models:/name@alias`, `runs:/<id>/ticket`), a local folder of a dense Hugging Face model, or a
Hugging Face model id (needs the hub the first time) -- and which model that resolved to, so that an
evaluation can tell whether it is still measuring the same one."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import mlflow
import torch
from mlflow.store.artifact.utils.models import get_model_name_and_version
from mlflow.tracking import MlflowClient
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from platform.usage import UsageError
from trainables.earlyrobust.pruning import load_pruned


@dataclass
class Classifier:
    model: object  # in eval mode
    tokenizer: object
    what: str  # in words, for the screen
    identity: dict = field(default_factory=dict)  # what `source` resolved to, and the weights' hash


def load_classifier(source: str, mlflow_uri: str | None = None) -> Classifier:
    """Load `source`; an MLflow model is downloaded into a temporary folder, never under `--out`."""
    if source.startswith(("models:/", "runs:/")):
        with tempfile.TemporaryDirectory(prefix="er-model-") as work:
            folder = _download(source, Path(work), mlflow_uri)
            if not (folder / "ticket.json").is_file():
                raise UsageError(f"--model {source}: the MLflow model holds no ticket folder (artifacts/ticket_model)")
            model, _ = load_pruned(folder)
            tokenizer = AutoTokenizer.from_pretrained(str(folder))
        return Classifier(
            model,
            tokenizer,
            f"ticket {source}",
            {**_mlflow_identity(source, mlflow_uri), "weights_sha256": weights_hash(model)},
        )
    folder = Path(source)
    if (folder / "ticket.json").is_file():
        model, _ = load_pruned(folder)
        return Classifier(
            model,
            AutoTokenizer.from_pretrained(str(folder)),
            f"ticket {source}",
            {"folder": str(folder.resolve()), "weights_sha256": weights_hash(model)},
        )
    try:
        model = AutoModelForSequenceClassification.from_pretrained(source)
        tokenizer = AutoTokenizer.from_pretrained(source)
    except (OSError, ValueError) as exc:
        where = "folder" if folder.exists() else "Hugging Face model id (offline, or no such model)"
        raise UsageError(
            f"--model {source!r} cannot be loaded as a {where}: {str(exc).splitlines()[0][:160]}; give a "
            "ticket folder, models:/name@alias, a folder of a sequence-classification model or a hub id"
        ) from None
    where = (
        {"folder": str(folder.resolve())}
        if folder.exists()
        else {"hub_id": source, "hub_revision": getattr(model.config, "_commit_hash", None)}
    )
    return Classifier(
        model.eval(), tokenizer, f"dense model {source}", {**where, "weights_sha256": weights_hash(model)}
    )


def weights_hash(model) -> str:
    """SHA-256 over the model's tensors (names, dtypes, shapes, bytes): the same weights, the same hash."""
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(f"{name}|{tensor.dtype}|{tuple(tensor.shape)}".encode())
        digest.update(tensor.detach().cpu().contiguous().view(-1).view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


def _download(uri: str, work: Path, mlflow_uri: str | None) -> Path:
    try:
        root = Path(mlflow.artifacts.download_artifacts(uri, dst_path=str(work), tracking_uri=mlflow_uri))
    except Exception as exc:  # no such model, alias or run; the store unreachable
        raise UsageError(
            f"--model {uri}: MLflow cannot provide it ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0][:160]}); check the name, the alias and --mlflow-uri"
        ) from None
    nested = root / "artifacts" / "ticket_model"
    return nested if nested.is_dir() else root


def _mlflow_identity(uri: str, mlflow_uri: str | None) -> dict:
    """The registered version (and its run) behind `models:/name@alias`, or the run of `runs:/id/...`."""
    client = MlflowClient(mlflow_uri)
    if uri.startswith("runs:/"):
        return {"run_id": uri[len("runs:/") :].split("/", 1)[0]}
    name, version = get_model_name_and_version(client, uri)
    return {
        "registered_model": name,
        "version": str(version),
        "run_id": client.get_model_version(name, str(version)).run_id,
    }
