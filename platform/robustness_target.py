"""The robustness a sweep aims at (`--target`), and whether a trial reaches it.

A target is the Aua and clean accuracy of a reference on the selection split: numbers the user gives
(`aua=0.21,clean_acc=0.82`), an MLflow run or registered model attacked on the same sample
(`runs:/ID`, `models:/NAME@ALIAS`), or a dense adversarially trained reference (`dense_pgd`,
`dense_freelb`) that the sweep trains first on the same data, seed and sample, or reuses from MLflow
when an identical one exists.  A trial *reaches* the target when, for both Aua and clean accuracy,
the 95% interval of its difference to the target includes 0 or lies above it: paired over the
sentences both were attacked on when the target's per-example outcomes are known, else the trial's own
interval against the target's number.  `target_margin` (<= 0: reached) is what Optuna's constraint
sees; `--objective cost` minimises training FLOPs subject to it.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field

from mlflow.store.artifact.utils.models import get_model_name_and_version

from platform.usage import UsageError
from trainables.attacks.attack_stats import paired_bits
from trainables.config import validate_config

ARMS = {"dense_pgd": {"ft_mode": "pgd"}, "dense_freelb": {"ft_mode": "freelb"}}
PGD_RADIUS = 0.1  # the l2 radius a dense PGD reference uses when the space fixes none (time_to_robustness's)
SAME_SAMPLE = ("dataset", "data_dir", "attack", "attack_n", "seed", "attack_split")


@dataclass
class Target:
    aua: float
    clean_acc: float
    source: str  # in words: where the numbers come from
    robust_bits: str | None = None
    clean_bits: str | None = None
    report: dict = field(default_factory=dict)  # the target's own report_* numbers, when known

    def gaps(self, row: dict) -> dict:
        """How far a finished trial is from the target: point differences, the upper 95% bounds of the
        differences, whether it reached the target, and the margin Optuna's constraint reads."""
        out = {}
        for name, key, bits in (("aua", "aua", "robust_bits"), ("clean", "clean_acc", "clean_bits")):
            paired = paired_bits(row.get(bits), getattr(self, bits))
            if paired is not None:
                diff, high = paired["diff"], paired["high"]
            else:  # the trial's own interval against the target's number
                value, upper = row.get(key, math.nan), row.get(f"{key}_ci_high", math.nan)
                diff, high = value - getattr(self, key), upper - getattr(self, key)
            out[f"target_{name}_diff"], out[f"target_{name}_high"] = diff, high
        highs = (out["target_aua_high"], out["target_clean_high"])
        reached = all(math.isfinite(h) and h >= 0 for h in highs)
        out["reached_target"] = float(reached)
        out["target_margin"] = max(-h if math.isfinite(h) else 1.0 for h in highs)
        return out

    def describe(self) -> str:
        return f"aua {self.aua:.3f}, clean_acc {self.clean_acc:.3f} ({self.source})"


def parse(spec: str | None, space, client=None):
    """The target of `--target SPEC`: a `Target`, the name of a reference arm to train (`dense_pgd`,
    `dense_freelb`), or None.  Bad input: one line (UsageError)."""
    if not spec:
        return None
    if spec in ARMS:
        return spec
    if spec.startswith(("runs:/", "models:/")):
        return from_mlflow(spec, space, client)
    try:
        values = {k.strip(): float(v) for k, v in (item.split("=", 1) for item in spec.split(","))}
    except ValueError:
        values = {}
    if set(values) != {"aua", "clean_acc"} or not all(0 <= v <= 1 for v in values.values()):
        raise UsageError(
            f"--target {spec!r} is not a target: give aua=A,clean_acc=C (proportions), runs:/RUN_ID, "
            f"models:/NAME@ALIAS, or a reference to train first: {', '.join(ARMS)}"
        )
    return Target(values["aua"], values["clean_acc"], "given as numbers")


def from_mlflow(spec: str, space, client) -> Target:
    """A run's (or a registered version's run's) selection Aua and clean accuracy, on the space's sample."""
    try:
        if spec.startswith("runs:/"):
            run_id = spec[len("runs:/") :].split("/", 1)[0]
        else:
            name, version = get_model_name_and_version(client, spec)
            run_id = client.get_model_version(name, str(version)).run_id
        run = client.get_run(run_id)
    except Exception as exc:  # noqa: BLE001  (no such run, model or alias)
        raise UsageError(
            f"--target {spec}: MLflow cannot provide it ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0][:120]}): check the run id, the name and the alias"
        ) from None
    metrics, params = run.data.metrics, run.data.params
    if "aua" not in metrics or "clean_acc" not in metrics:
        raise UsageError(f"--target {spec}: run {run_id} has no aua and clean_acc: give a trial that was attacked")
    differ = [k for k in SAME_SAMPLE if k in params and [validate_config({k: params[k]})[k]] != space.candidates(k)]
    if differ:
        raise UsageError(
            f"--target {spec}: run {run_id} was attacked on another sample ({differ[0]} = "
            f"{params[differ[0]]!r}, the space's {space.candidates(differ[0])}): fix the space's "
            f"{', '.join(differ)} to the run's, or give the target as numbers"
        )
    return Target(
        metrics["aua"],
        metrics["clean_acc"],
        f"run {run_id}",
        run.data.tags.get("robust_bits"),
        run.data.tags.get("clean_bits"),
        {k: v for k, v in metrics.items() if k.startswith("report_")},
    )


def reference_config(space, arm: str) -> dict:
    """The dense reference's trial config: the space's fixed settings (its searched ones at their defaults),
    trained with the arm's adversary; PGD at radius 0.1 unless the space fixes one."""
    cfg = {**space.fixed, **ARMS[arm]}
    if arm == "dense_pgd" and not cfg.get("adv_max_norm"):
        cfg["adv_max_norm"] = PGD_RADIUS
    return validate_config(cfg)


def reference_key(cfg: dict) -> str:
    """What makes two references identical: their whole validated config."""
    return hashlib.sha256(json.dumps(cfg, sort_keys=True, default=str).encode()).hexdigest()[:16]


def from_reference(row: dict, arm: str) -> Target:
    return Target(
        row["aua"],
        row["clean_acc"],
        f"{arm}, trained on this space's data and sample",
        row.get("robust_bits"),
        row.get("clean_bits"),
        {k: v for k, v in row.items() if k.startswith("report_") and isinstance(v, float)},
    )
