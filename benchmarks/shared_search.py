"""Shared recorded searches: the same sweep with and without sharing, same trials, same results.

    python benchmarks/shared_search.py                 # the `ticket-sizes` space (MiniLM), 6 trials an arm (~25 min)
    python benchmarks/shared_search.py --scale tiny    # a tiny random BERT, a few minutes (what the tests run)

Both arms run `python -m platform.sweep` on the `ticket-sizes` space with the same sampler seed, one
trial at a time (so that the sampler proposes the same trials in both), once with `--share-searches
on` and once `off`.  The script then matches the trials by their parameters and checks that each
trial's ticket (the kept heads and neurons), stop epoch, accuracy, Aua and training FLOPs are equal in
both arms, and reports both sweeps' wall clock (launch to exit) and their ratio, and the sweep's
training FLOPs with each shared search counted once.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import mlflow
from mlflow.tracking import MlflowClient

os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")

from common import machine, write_results  # noqa: I001
from trainables.search_sharing.search_keys import sweep_flops
from trainables.compute import device
from search_spaces import load_space, named_spaces
from trainables.search_sharing.sharing_policy import decide

ROOT = Path(__file__).resolve().parents[1]
SCALES = {
    "cpu": {"num_samples": 6, "set": ["attack_n=100", "ft_epochs=1"]},
    "tiny": {
        "num_samples": 4,
        "set": [
            "model=tiny-bert",
            "max_length=32",
            "lr=1e-3",
            "ft_lr=2e-3",
            "l1_head=1e-3",
            "l1_ffn=1e-3",
            "ft_epochs=1",
            "attack=deepwordbug",
            "attack_n=16",
            "eval_size=128",
        ],
    },
}
PARAMS = ("adv_steps", "head_ratio", "ffn_ratio", "conv_eps")
COMPARED = ("search_stop_epoch", "eval_acc", "clean_acc", "aua", "train_flops", "param_sparsity")


def run_arm(share: str, scale: dict, folder: Path, seed: int) -> tuple[float, list[dict]]:
    cmd = [
        sys.executable,
        "-m",
        "platform.sweep",
        "--space",
        "ticket-sizes",
        "--name",
        share,
        "--seed",
        str(seed),
        "--num-samples",
        str(scale["num_samples"]),
        "--max-concurrent",
        "1",
        "--share-searches",
        share,
        "--storage-path",
        str(folder / "s"),
        "--mlflow-uri",
        f"sqlite:///{folder / 'mlflow.db'}",
        "--experiment",
        f"shared-{share}",
        *[a for kv in scale["set"] for a in ("--set", kv)],
    ]
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"the '{share}' sweep failed:\n{done.stderr[-3000:]}")
    client = MlflowClient(f"sqlite:///{folder / 'mlflow.db'}")
    parent = json.loads((folder / "s" / share / "sweep.json").read_text())["parent_run_id"]
    exp = client.get_run(parent).info.experiment_id
    rows = []
    for run in client.search_runs([exp], f"tags.mlflow.parentRunId = '{parent}'"):
        ticket = json.loads(
            Path(
                mlflow.artifacts.download_artifacts(
                    run_id=run.info.run_id, artifact_path="ticket.json", tracking_uri=client.tracking_uri
                )
            ).read_text()
        )
        rows.append(
            {
                "params": tuple(round(float(run.data.params[k]), 9) for k in PARAMS),
                "ticket": (ticket["heads"], ticket["neurons"]),
                **run.data.metrics,
            }
        )
    return wall, rows


def compare(shared: list[dict], alone: list[dict]) -> list[str]:
    """Differences between the arms, trial by trial (empty: the same trials with the same results)."""
    by_params = {r["params"]: r for r in alone}
    problems = [] if len(shared) == len(alone) else [f"{len(shared)} trials shared vs {len(alone)} alone"]
    for row in shared:
        other = by_params.get(row["params"])
        if other is None:
            problems.append(f"trial {row['params']} ran only with sharing")
            continue
        if row["ticket"] != other["ticket"]:
            problems.append(f"trial {row['params']}: different tickets")
        problems += [
            f"trial {row['params']}: {k} {row[k]} vs {other[k]}"
            for k in COMPARED
            if not math.isclose(row.get(k, math.nan), other.get(k, math.nan), rel_tol=1e-9, abs_tol=1e-12)
        ]
    return problems


def auto_decisions() -> str:
    lines = []
    for name in named_spaces():
        space = load_space(name)
        n, c = int(space.sweep.get("num_samples", 4)), int(space.sweep.get("max_concurrent", 1))
        lines.append(
            f"- `{name}` ({n} trials, {c} at once): {decide(space, 'auto', space.sweep.get('trainable', 'ticket'), n, c)[1]}"
        )
    return "\n".join(lines)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", choices=sorted(SCALES), default="cpu")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=str(Path(__file__).parent / "results"))
    p.add_argument("--work", help="folder for both arms' sweeps and MLflow store (default a new one under /tmp)")
    args = p.parse_args(argv)
    scale = SCALES[args.scale]
    # short: Ray's socket paths
    folder = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="sh", dir="/tmp"))
    walls, rows = {}, {}
    for share in ("on", "off"):
        print(f"sweep with --share-searches {share} ...", flush=True)
        walls[share], rows[share] = run_arm(share, scale, folder, args.seed)
    problems = compare(rows["on"], rows["off"])
    real, own = sweep_flops(rows["on"])
    # recordings, plus the trials whose replay had not converged by a recording's end and searched alone
    searches = sum(r.get("recorded_search_flops", 0) > 0 for r in rows["on"]) + sum(
        r.get("search_shared") == 0 for r in rows["on"]
    )
    table = [
        {
            "arm": "shared searches",
            "trials": len(rows["on"]),
            "searches_run": searches,
            "wall_s": walls["on"],
            "sweep_train_flops": real,
        },
        {
            "arm": "every trial searches",
            "trials": len(rows["off"]),
            "searches_run": len(rows["off"]),
            "wall_s": walls["off"],
            "sweep_train_flops": sweep_flops(rows["off"])[0],
        },
    ]
    verdict = "identical in both arms" if not problems else "DIFFERENT: " + "; ".join(problems[:5])
    notes = (
        f"Space `ticket-sizes` ({args.scale} scale: {', '.join(scale['set']) or 'as written'}), "
        f"{scale['num_samples']} trials an arm, one at a time, sampler seed {args.seed}. Wall clock speed-up of "
        f"sharing: {walls['off'] / walls['on']:.2f}x (one run each on a shared machine). Trials' tickets, stop "
        f"epochs, accuracies, Aua and training FLOPs: {verdict}. With sharing, each trial's own train_flops "
        f"(its search up to its stop, as if alone) sum to {own:.3g}; the sweep really spent {real:.3g}.\n\n"
        "What `--share-searches auto` decides for the named spaces at their own size "
        "(trainables/search_sharing/sharing_policy.py):\n\n" + auto_decisions()
    )
    md = write_results(
        table, Path(args.out), f"shared_search_{args.scale}", "Shared recorded searches", machine(device()), notes
    )
    print(md.read_text())
    if problems:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
