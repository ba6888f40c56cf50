"""Any text classifier, by where it is: a ticket folder, a registered or logged MLflow model
(`models:/name@alias`, `runs:/<id>/ticket`), a local folder of a dense Hugging Face model, or a
Hugging Face model id (needs the hub the first time)."""
from __future__ import annotations

from pathlib import Path

from platform.errors import UsageError


def load_classifier(source: str, work: Path):
    """(model in eval mode, tokenizer, what was loaded, in words)."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from trainables.earlyrobust.pruning import load_pruned

    folder = Path(source)
    if source.startswith(("models:/", "runs:/")):
        folder = _download(source, work)
    if (folder / "ticket.json").is_file():
        model, _ = load_pruned(folder)
        return model, AutoTokenizer.from_pretrained(str(folder)), f"ticket {source}"
    if source.startswith(("models:/", "runs:/")):
        raise UsageError(f"--model {source}: the MLflow model holds no ticket folder (artifacts/ticket_model)")
    try:
        model = AutoModelForSequenceClassification.from_pretrained(source)
        tokenizer = AutoTokenizer.from_pretrained(source)
    except (OSError, ValueError) as exc:
        where = "folder" if folder.exists() else "Hugging Face model id (offline, or no such model)"
        raise UsageError(f"--model {source!r} cannot be loaded as a {where}: {str(exc).splitlines()[0][:160]}; give a "
                         "ticket folder, models:/name@alias, a folder of a sequence-classification model or a hub id") from None
    return model.eval(), tokenizer, f"dense model {source}"


def _download(uri: str, work: Path) -> Path:
    import mlflow

    try:
        root = Path(mlflow.artifacts.download_artifacts(uri, dst_path=str(work / "model")))
    except Exception as exc:  # no such model, alias or run; the store unreachable
        raise UsageError(f"--model {uri}: MLflow cannot provide it ({type(exc).__name__}: "
                         f"{str(exc).splitlines()[0][:160]}); check the name, the alias and --mlflow-uri") from None
    nested = root / "artifacts" / "ticket_model"
    return nested if nested.is_dir() else root
