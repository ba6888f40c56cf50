"""Usage and configuration errors: one line on stderr, exit code 2, nothing started or written."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


FILES = {
    "bad_yaml": ("bad.yaml", "fixed:\n  model: tiny-bert\n   lr: [1\n"),
    "unknown_key_yaml": ("mine.yaml", "fixed:\n  modle: tiny-bert\n"),
    "empty_csv": ("empty.csv", "text,label\n"),
    "nolabel_csv": ("nolabel.csv", "text,stars\ngood,5\n"),
    "gpt2_model": ("gpt2/config.json", '{"model_type": "gpt2", "n_layer": 1, "n_embd": 16, "n_head": 2}'),
}


@pytest.fixture()
def files(tmp_path) -> dict:
    """The bad input files the cases below name as {bad_yaml}, {empty_csv}, ..."""
    out = {}
    for key, (name, text) in FILES.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
        out[key] = tmp_path / name if "/" not in name else (tmp_path / name).parent  # a model folder
    return out


CASES = [  # run as a user runs them, in a subprocess (every other case runs in-process: test_bad_input.py)
    (["--space", "nope"], "search space 'nope' is unknown: use one of"),
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["--space", "smoke", "--mlflow-uri", "http://alice:s3cret@127.0.0.1:9/"], "--mlflow-uri http://***@127.0.0.1:9/"),
]


def run_bad(args, tmp_path, **env_changes):
    if "--storage-path" not in args:
        args += ["--storage-path", str(tmp_path / "s")]
    if "--mlflow-uri" not in args:
        args += ["--mlflow-uri", f"sqlite:///{tmp_path / 'mlflow.db'}"]
    env = dict(os.environ, HF_HUB_OFFLINE="1", CUDA_VISIBLE_DEVICES="", **env_changes)
    return subprocess.run(
        [sys.executable, "-m", "platform.sweep", *args], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env
    )


def test_a_missing_synonym_table_is_found_before_anything_starts(tmp_path):
    """TextFooler's candidates come from the counter-fitted table: preflight reads it, not the trials."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "sst2").symlink_to(ROOT.parent / "shared" / "data" / "sst2")
    done = run_bad(["--space", "smoke"], tmp_path, EARLYROBUST_DATA_DIR=str(data))
    assert done.returncode == 2 and "synonym file" in done.stderr and "not found" in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not list((tmp_path / "s").glob("*/sweep.json"))


@pytest.mark.parametrize("args, message", CASES, ids=[c[1][:30] for c in CASES])
def test_bad_input_one_line_exit_2_nothing_started(args, message, tmp_path, files):
    done = run_bad([a.format(**files) for a in args], tmp_path)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sweep: error: "), done.stderr
    assert message in lines[0]
    assert "s3cret" not in done.stderr + done.stdout, "no credentials in output"
    assert not (tmp_path / "s" / "ray_tmp").exists(), "Ray must not have started"
    assert not list((tmp_path / "s").glob("*/sweep.json")), "no sweep and no MLflow parent run created"
