"""Bytes a sweep leaves in its storage per finished trial, and the peak while the trial runs.

    python benchmarks/storage_footprint.py                # one `quick` trial (MiniLM), a few minutes
    python benchmarks/storage_footprint.py --space smoke  # a tiny BERT, seconds (what the tests run)

Runs `python -m platform.sweep` with one trial on a local storage folder, measures the trial folders
(everything but Ray's temp files) every half second while it runs, and the MLflow artifact store at
the end (the reported trial's model is logged there).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from common import ROOT, machine, write_results  # noqa: I001


def size(folder: Path, skip: str = "ray_tmp") -> int:
    total = 0
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != skip]
        for name in files:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except OSError:  # a file Tune is replacing
                pass
    return total


def main(argv=None) -> list[dict]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--space", default="quick")
    p.add_argument("--out", default=str(Path(__file__).parent / "results"))
    args = p.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="er-foot-"))
    storage = work / "s"
    cmd = [
        sys.executable,
        "-m",
        "platform.sweep",
        "--space",
        args.space,
        "--num-samples",
        "1",
        "--name",
        "foot",
        "--storage-path",
        str(storage),
        "--mlflow-uri",
        f"sqlite:///{work / 'mlflow.db'}",
    ]
    driver = subprocess.Popen(
        cmd,
        cwd=work,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = 0
    while driver.poll() is None:
        if (storage / "foot").exists():
            peak = max(peak, size(storage / "foot"))
        time.sleep(0.5)
    if driver.returncode != 0:
        sys.exit(f"storage_footprint: the sweep failed:\n{driver.stderr.read()[-3000:]}")
    trials = [d for d in (storage / "foot").iterdir() if d.is_dir() and d.name != "searches"]
    final = sum(size(d) for d in trials)
    rows = [
        {
            "space": args.space,
            "trials": len(trials),
            "bytes_per_finished_trial": final / len(trials),
            "peak_bytes_while_running": peak,
            "mlflow_artifact_bytes": size(work / "mlartifacts"),
            "files_left": len([f for d in trials for f in d.rglob("*") if f.is_file()]),
        }
    ]
    print(rows[0], flush=True)
    md = write_results(
        rows,
        Path(args.out),
        f"storage_footprint_{args.space}",
        "Storage per sweep trial",
        machine(torch.device("cpu")),
        "Peak: the sweep's folder (trials, checkpoints, sweep state) "
        "sampled every 0.5 s, Ray's temp files excluded. MLflow: the artifact store after the sweep "
        "(the reported trial's model, its plots and attack records).",
    )
    print(md.read_text())
    return rows


if __name__ == "__main__":
    main()
