"""Safe artifacts: checkpoints and tickets are safetensors + JSON; nothing in the project unpickles
or loads YAML unsafely; tracking and UI commands bind to 127.0.0.1."""
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / p for p in subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True,
                                             text=True).stdout.split() if not p.startswith("tests/")]
UNSAFE = [r"\bpickle\.loads?\(", r"\bcloudpickle\.loads?\(", r"\byaml\.load\(", r"\byaml\.unsafe_load\(",
          r"\bjoblib\.load\(", r"\bdill\.loads?\("]


def test_the_source_list_is_real():
    assert len(SOURCES) > 30 and any(p.name == "checkpoint.py" for p in SOURCES)


@pytest.mark.parametrize("pattern", UNSAFE)
def test_no_unsafe_deserialisation(pattern):
    hits = [f"{p.relative_to(ROOT)}:{i}" for p in SOURCES for i, line in enumerate(p.read_text().splitlines(), 1)
            if re.search(pattern, line)]
    assert not hits, hits


def test_every_torch_load_is_weights_only():
    hits = [f"{p.relative_to(ROOT)}:{i}" for p in SOURCES for i, line in enumerate(p.read_text().splitlines(), 1)
            if "torch.load(" in line and "weights_only=True" not in line]
    assert not hits, hits


@pytest.mark.slow
def test_checkpoints_and_tickets_hold_only_safetensors_and_json(smoke_sweep):
    sweep_dir = smoke_sweep["folder"] / "s" / "e2e"
    checkpoints = list(sweep_dir.glob("*/checkpoint_*"))
    assert checkpoints
    files = [f for c in checkpoints for f in c.rglob("*") if f.is_file()]
    assert any(f.name == "model.safetensors" for f in files), "the final checkpoint holds the ticket model"
    suffixes = {f.suffix for f in files}
    assert suffixes <= {".safetensors", ".json", ".jsonl", ".txt"}, suffixes  # .txt: the tokenizer's vocabulary


def test_printed_ui_commands_bind_loopback():
    text = (ROOT / "platform" / "runner.py").read_text() + (ROOT / "README.md").read_text()
    commands = re.findall(r"mlflow (?:ui|server) --[^\n`]*", text)
    assert commands and all("--host 127.0.0.1" in c for c in commands), commands
