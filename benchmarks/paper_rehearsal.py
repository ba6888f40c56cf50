"""Paper-scale rehearsal on this machine: each `*-bert-base` space runs one trial end to end (search,
prune, fine-tune, attack, the held-out report, registration) with only its budget cut by `--set`:
bert-base shapes with random weights (`random-bert-base`, offline), a few training examples, the
attack and report steps as the space sets them on a few sentences.  It proves that the paper spaces
finish a trial; its robustness numbers mean nothing.

    python benchmarks/paper_rehearsal.py                 # 64 examples, 8 attacked sentences (~15 min)
    python benchmarks/paper_rehearsal.py --scale tiny    # 1 step of each phase, 2 sentences (what the tests run)

IMDB and AG News have no offline training set here: where `data_dir` lacks one, a stand-in of the
same format is written (short synthetic texts; the results say so).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mlflow.tracking import MlflowClient

from common import machine, write_results  # noqa: I001
from search_spaces import load_space
from trainables.compute import device
from trainables.data.datasets import data_dir as default_data_dir

ROOT = Path(__file__).resolve().parents[1]
SPACES = ("sst2-bert-base", "agnews-bert-base", "imdb-bert-base")
BATCH = {"sst2-bert-base": 32, "agnews-bert-base": 8, "imdb-bert-base": 8}  # the spaces' own batch sizes
SCALES = {"cpu": {"steps": 8, "attack_n": 8}, "tiny": {"steps": 1, "attack_n": 2}}
STAND_IN_ROWS = 12000  # enough for 1,000-row carved validation splits (attack_n of the paper spaces)


def data_folder(folder: Path) -> tuple[Path, list[str]]:
    """A data_dir holding every split the spaces read: the real files where they exist, stand-ins else."""
    real, out, stand_ins = default_data_dir(), folder / "data", []
    out.mkdir(parents=True, exist_ok=True)
    for name in ("sst2", "ag_news", "imdb"):
        if real is not None and (real / name).is_dir():
            shutil.copytree(real / name, out / name, dirs_exist_ok=True)
        (out / name).mkdir(exist_ok=True)
    if not (out / "ag_news" / "train.csv").exists():  # the original format: class, title, description
        with open(out / "ag_news" / "train.csv", "w", newline="") as f:
            csv.writer(f).writerows(
                [(1 + k % 4, f"title {k}", f"story number {k} of the day") for k in range(STAND_IN_ROWS)]
            )
        stand_ins.append("ag_news train")
    for split in ("train", "test"):
        if not (out / "imdb" / f"{split}.csv").exists():
            with open(out / "imdb" / f"{split}.csv", "w", newline="") as f:
                csv.writer(f).writerows(
                    [("text", "label")]
                    + [
                        (f"review {k} of a film that was {'good' if k % 2 else 'bad'}", k % 2)
                        for k in range(STAND_IN_ROWS)
                    ]
                )
            stand_ins.append(f"imdb {split}")
    return out, stand_ins


def rehearse(space: str, scale: dict, folder: Path, data: Path, model: str = "random-bert-base") -> dict:
    sets = {
        "model": model,
        "data_dir": str(data),
        "train_size": scale["steps"] * BATCH[space],
        "eval_size": 16,
        "search_epochs": 1.0,
        "ft_epochs": 1,
        "attack_n": scale["attack_n"],
    }
    cmd = [
        sys.executable,
        "-m",
        "platform.sweep",
        "--space",
        space,
        "--name",
        space,
        "--num-samples",
        "1",
        "--max-concurrent",
        "1",
        "--cpus-per-trial",
        "2",
        "--gpus-per-trial",
        "0",
        "--seed",
        "0",
        # one trial of the method at the paper's shapes: the spaces' target (dense FreeLB, trained first) is
        # a dense FreeLB run of the same shapes, which the trial's own FreeLB search already rehearses
        "--objective",
        "aua",
        "--target",
        "none",
        "--storage-path",
        str(folder / "s"),
        "--mlflow-uri",
        f"sqlite:///{folder / 'mlflow.db'}",
        "--register-as",
        f"rehearsal-{space}",
        *[a for k, v in sets.items() for a in ("--set", f"{k}={v}")],
    ]
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=folder, capture_output=True, text=True, env=_env())
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{space}: the rehearsal sweep failed:\n{done.stderr[-3000:]}")
    client = MlflowClient(f"sqlite:///{folder / 'mlflow.db'}")
    parent = json.loads((folder / "s" / space / "sweep.json").read_text())["parent_run_id"]
    (run,) = client.search_runs([client.get_run(parent).info.experiment_id], f"tags.mlflow.parentRunId = '{parent}'")
    m, p = run.data.metrics, run.data.params
    version = client.get_model_version_by_alias(f"rehearsal-{space}", "champion")
    fixed = load_space(space).fixed
    return {
        "space": space,
        "status": run.info.status,
        "max_length": fixed["max_length"],
        "batch": BATCH[space],
        "adv_steps": int(p["adv_steps"]),
        "train_examples": int(p["train_size"]),
        "search_stop_epoch": m["search_stop_epoch"],
        "train_s": m["train_seconds"],
        "attacked": int(m["attack_n"]),
        "report_attacked": int(m.get("report_attack_n", 0)),
        "param_sparsity": m["param_sparsity"],
        "registered": f"v{version.version}",
        "wall_s": wall,
    }


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "CUDA_VISIBLE_DEVICES": ""}


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", choices=sorted(SCALES), default="cpu")
    p.add_argument("--spaces", nargs="+", default=list(SPACES), choices=SPACES)
    p.add_argument(
        "--model",
        default="random-bert-base",
        choices=("random-bert-base", "random-bert-base-1layer"),
        help="bert-base shapes, or one layer of them (the suite's rehearsal)",
    )
    p.add_argument("--out", default=str(Path(__file__).parent / "results"))
    args = p.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="pr", dir="/tmp"))  # short: Ray's socket paths
    try:
        data, stand_ins = data_folder(folder)
        rows = []
        for space in args.spaces:
            print(f"rehearsing {space} ...", flush=True)
            rows.append(rehearse(space, SCALES[args.scale], folder, data, args.model))
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # bert-base checkpoints and models: ~1 GB a space
    notes = (
        f"`{args.scale}` scale: one trial a space on `{args.model}` (bert-base shapes, random weights), "
        f"{SCALES[args.scale]['steps']} step(s) of each phase, {SCALES[args.scale]['attack_n']} sentences attacked "
        "on the selection split and again on the report split, by the space's own attack; every other setting "
        "the space's. Stand-in training data (synthetic texts of the real format): "
        f"{', '.join(stand_ins) or 'none'}. The numbers say that each paper space finishes a trial, not how "
        "robust anything is."
    )
    md = write_results(
        rows, Path(args.out), f"paper_rehearsal_{args.scale}", "Paper-scale rehearsal", machine(device()), notes
    )
    print(md.read_text())


if __name__ == "__main__":
    main()
