"""Shared fixtures: real SST-2 from ../shared/data, tiny BERTs built from a config."""

import os

import pytest
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
os.environ.setdefault("RAY_AUTH_MODE", "disabled")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

from mlflow.tracking import MlflowClient  # noqa: E402

from sweep_helpers import short_dir, sweep, sweep_state  # noqa: E402
from trainables.compute import evaluate_accuracy  # noqa: E402
from trainables.data.batching import make_loader  # noqa: E402
from trainables.data.datasets import load_split, subset  # noqa: E402
from trainables.data.models import load_model, load_tokenizer  # noqa: E402
from trainables.earlyrobust.cost import CostMeter  # noqa: E402
from trainables.earlyrobust.finetune import finetune  # noqa: E402


@pytest.fixture(scope="session")
def tokenizer():
    return load_tokenizer("tiny-bert")


@pytest.fixture(scope="session")
def sst2_train():
    return subset(load_split("sst2", "train"), 3000, seed=0)


@pytest.fixture(scope="session")
def sst2_dev():
    return load_split("sst2", "validation")


@pytest.fixture()
def batch(tokenizer):
    enc = tokenizer(
        ["a gripping , beautifully acted film", "dull and lifeless , a waste of time", "fine ."],
        padding=True,
        return_tensors="pt",
    )
    enc["labels"] = torch.tensor([1, 0, 1])
    return dict(enc)


@pytest.fixture(scope="session")
def trained_tiny(tokenizer, sst2_train, sst2_dev):
    """A tiny BERT fine-tuned on 3,000 SST-2 phrases: (model, dev accuracy)."""
    torch.manual_seed(0)
    model = load_model("tiny-bert", 2, seed=0)
    loader = make_loader(sst2_train, tokenizer, 32, 48, shuffle=True, seed=0)
    finetune(model, loader, epochs=4, lr=2e-3, weight_decay=0.0, cost=CostMeter(), dev=torch.device("cpu"))
    model.eval()
    acc = evaluate_accuracy(model, make_loader(sst2_dev, tokenizer, 64, 48, shuffle=False), torch.device("cpu"))
    return model, acc


@pytest.fixture(scope="session")
def smoke_sweep():
    """One smoke sweep shared by the tests that only read its results, attacked by the papers' three attacks
    (each trial and the report: per-attack metrics and the worst case)."""
    folder = short_dir()
    done = sweep(["--space", "smoke", "--name", "e2e", "--set", "attack=textfooler,textbugger,bertattack"], folder)
    assert done.returncode == 0, done.stderr[-3000:]
    client = MlflowClient(f"sqlite:///{folder / 'mlflow.db'}")
    return {
        "folder": folder,
        "stdout": done.stdout,
        "client": client,
        "parent": sweep_state(folder, "e2e")["parent_run_id"],
    }
