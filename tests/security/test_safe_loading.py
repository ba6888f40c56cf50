"""Safe artifacts: checkpoints and tickets are safetensors + JSON (+ the ticket's own modeling file,
which only plain transformers with `trust_remote_code` runs, never the project); nothing in the project
unpickles or loads YAML unsafely; tracking and UI commands bind to 127.0.0.1."""

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch

from trainables.data.models import load_model
from trainables.earlyrobust.architecture import structure
from trainables.earlyrobust.pruning import load_pruned, prune_model, save_pruned
from trainables.earlyrobust.tickets import draw_ticket

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    ROOT / p
    for p in subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    if not p.startswith("tests/")
]
UNSAFE = [
    r"\bpickle\.loads?\(",
    r"\bcloudpickle\.loads?\(",
    r"\byaml\.load\(",
    r"\byaml\.unsafe_load\(",
    r"\bjoblib\.load\(",
    r"\bdill\.loads?\(",
]


def test_the_source_list_is_real():
    assert len(SOURCES) > 30 and any(p.name == "checkpoint.py" for p in SOURCES)


@pytest.mark.parametrize("pattern", UNSAFE)
def test_no_unsafe_deserialisation(pattern):
    hits = [
        f"{p.relative_to(ROOT)}:{i}"
        for p in SOURCES
        for i, line in enumerate(p.read_text().splitlines(), 1)
        if re.search(pattern, line)
    ]
    assert not hits, hits


def test_every_torch_load_is_weights_only():
    hits = [
        f"{p.relative_to(ROOT)}:{i}"
        for p in SOURCES
        for i, line in enumerate(p.read_text().splitlines(), 1)
        if "torch.load(" in line and "weights_only=True" not in line
    ]
    assert not hits, hits


@pytest.mark.slow
def test_checkpoints_and_tickets_hold_only_safetensors_and_json(smoke_sweep):
    sweep_dir = smoke_sweep["folder"] / "s" / "e2e"
    checkpoints = list(sweep_dir.glob("*/checkpoint_*"))
    assert checkpoints
    files = [f for c in checkpoints for f in c.rglob("*") if f.is_file()]
    assert any(f.name == "model.safetensors" for f in files), "the final checkpoint holds the ticket model"
    suffixes = {f.suffix for f in files if f.name != "modeling_ticket.py"}
    assert suffixes <= {".safetensors", ".json", ".jsonl", ".txt", ".html"}, (
        suffixes
    )  # .txt: the tokenizer's vocabulary; .html: the attacked examples
    template = (ROOT / "trainables" / "earlyrobust" / "hf_modeling_ticket.py").read_text()
    for code in (f for f in files if f.suffix == ".py"):
        assert code.name == "modeling_ticket.py"
        assert code.read_text() == template, "the ticket's modeling file is the project's template (BERT base)"


def test_the_projects_loader_never_runs_the_tickets_code(tmp_path, batch):
    model = load_model("tiny-bert", 2).eval()
    heads, ffn = structure(model)
    prune_model(
        model,
        draw_ticket([np.arange(n, dtype=float) for n in heads], [np.arange(n, dtype=float) for n in ffn], 0.5, 0.5),
    )
    save_pruned(
        model,
        draw_ticket([np.arange(n, dtype=float) for n in heads], [np.arange(n, dtype=float) for n in ffn], 0.5, 0.5),
        tmp_path,
    )
    (tmp_path / "modeling_ticket.py").write_text("raise SystemExit('the ticket folder code ran')\n")
    loaded, _ = load_pruned(tmp_path)
    inputs = {k: batch[k] for k in ("input_ids", "attention_mask")}
    with torch.no_grad():
        assert torch.equal(loaded(**inputs).logits, model(**inputs).logits)


def test_printed_ui_commands_bind_loopback():
    text = (ROOT / "platform" / "sweep_run.py").read_text() + (ROOT / "README.md").read_text()
    commands = re.findall(r"mlflow (?:ui|server) --[^\n`]*", text)
    assert commands and all("--host 127.0.0.1" in c for c in commands), commands
