"""The flags of `python -m platform.sweep`."""

from __future__ import annotations

import argparse

from platform.usage import Parser

OBJECTIVES = ("aua", "multi", "cost")
SCHEDULERS = ("asha", "none")


def parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="python -m platform.sweep",
        description="search robust early-bird tickets with Ray Tune, Optuna and MLflow.",
    )
    p.add_argument("--space", default=None, help="named space (smoke, quick, sst2-bert-base, ...) or a YAML file")
    p.add_argument("--num-samples", type=int, help="trials to run (default: the space's)")
    p.add_argument("--max-concurrent", type=int, help="trials at once (default: the space's)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="fix a parameter (repeatable)")
    p.add_argument(
        "--objective",
        choices=OBJECTIVES,
        help="aua (single); multi: aua, train_flops, param_sparsity; "
        "cost: the fewest training FLOPs that reach --target",
    )
    p.add_argument(
        "--target",
        help="the robustness to reach: aua=A,clean_acc=C, runs:/RUN_ID, models:/NAME@ALIAS, "
        "or dense_pgd / dense_freelb (trained first on the same data and sample, or reused from MLflow); "
        "none: no target (the space's own is dropped)",
    )
    p.add_argument("--scheduler", choices=SCHEDULERS, help="asha stops weak trials early on eval_acc (default none)")
    p.add_argument("--cpus-per-trial", type=float)
    p.add_argument("--gpus-per-trial", type=float, help="fractions allowed, e.g. 0.5")
    p.add_argument("--mlflow-uri", help="default sqlite:///$PWD/mlflow.db")
    p.add_argument("--experiment", default="earlyrobust")
    p.add_argument(
        "--storage-path",
        default="sweeps",
        help="results and checkpoints: a local folder, or s3://bucket/prefix (gs://, file:///shared/path) "
        "that every node of a cluster reaches",
    )
    p.add_argument("--name", help="sweep name (default SPACE-TIMESTAMP)")
    p.add_argument("--resume", action="store_true", help="finish the sweep --name (default: the latest one)")
    p.add_argument("--ray-address", help="existing Ray cluster ('auto' on a cluster); default a new local Ray")
    p.add_argument(
        "--optuna-storage",
        help="database URL for the Optuna study (postgresql://...; default in memory, "
        "saved with the sweep). Never SQLite on a network filesystem",
    )
    p.add_argument("--time-budget-s", type=float, help="stop the whole sweep after this many seconds")
    p.add_argument("--seed", type=int, default=0, help="Optuna sampler seed")
    p.add_argument("--register-as", default="earlyrobust-ticket", help="model registry name for the champion")
    p.add_argument(
        "--share-searches",
        choices=("auto", "on", "off"),
        default="auto",
        help="trials with equal search settings share one recorded search (auto: when the expected "
        "saving is positive; trainables/search_sharing/sharing_policy.py)",
    )
    p.add_argument(
        "--list-params",
        action="store_true",
        help="print every parameter a space or --set may fix: default, allowed values, help; then exit",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="check the space, the --sets and the sources, print what "
        "would run, and exit 0 without starting Ray or touching MLflow",
    )
    return p
