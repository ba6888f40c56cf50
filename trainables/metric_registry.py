"""Every metric a trial reports, defined once: its meaning, which way is better, and where it shows.

Tune's reports (`trainables/tune/tune_reports.py`), MLflow logging (`trainables/tune/trial_tracking.py`), the
attack evaluation (`trainables/attacks/robustness.py`), the end-of-sweep summary (`platform/summary.py`),
`platform.compare`, the held-out report (`report_*`) and the registered champion's tags all read
this table, so a new metric is one line here.  Flags:
- `attack`: part of an attack evaluation (on the selection split, and again as `report_<name>`);
- `interval`: a proportion reported with its 95% Wilson interval (`<name>_ci_low`, `<name>_ci_high`);
- `each_attack`: also reported for each attack of a list (`<name>_<attack>`);
- `summary`: a column of the summary table;  `tag`: a tag of the registered version;
- `curve`: logged along the way (MLflow history) but not a final result;
- `sweep_cost`: what the driver adds up into the sweep's own training cost.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    name: str
    meaning: str
    better: str = ""  # "higher", "lower" or "" (neither: a count, a flag, a position)
    attack: bool = False
    interval: bool = False
    each_attack: bool = False
    summary: bool = False
    tag: bool = False
    curve: bool = False
    sweep_cost: bool = False  # read by the driver to total a sweep's training cost
    target: bool = False  # how far a trial is from the sweep's robustness target (`--target`)

    def names(self) -> tuple[str, ...]:
        """The metric and its interval bounds."""
        return (self.name, f"{self.name}_ci_low", f"{self.name}_ci_high") if self.interval else (self.name,)


REGISTRY: list[Metric] = [
    Metric(
        "eval_acc",
        "clean accuracy on the eval split after each fine-tune epoch (ASHA's signal)",
        "higher",
        summary=True,
    ),
    Metric(
        "clean_acc",
        "clean accuracy on the attacked sample",
        "higher",
        attack=True,
        interval=True,
        summary=True,
        tag=True,
    ),
    Metric(
        "aua",
        "accuracy under attack on the attacked sample (the worst case over an attack list)",
        "higher",
        attack=True,
        interval=True,
        each_attack=True,
        summary=True,
        tag=True,
    ),
    Metric("suc", "attack success rate: (clean - aua) / clean", "lower", attack=True, each_attack=True, summary=True),
    Metric(
        "avg_queries",
        "model queries per attacked example (all attacks of a list together)",
        "higher",
        attack=True,
        each_attack=True,
        summary=True,
    ),
    Metric("attack_n", "examples attacked (a seeded, label-stratified sample)", attack=True, summary=True, tag=True),
    Metric("head_sparsity", "fraction of attention heads pruned", "higher", summary=True),
    Metric("ffn_sparsity", "fraction of FFN neurons pruned", "higher", summary=True),
    Metric("param_sparsity", "fraction of non-embedding parameters pruned", "higher", summary=True, tag=True),
    Metric("converged", "1 if the search's convergence rule fired within its budget", summary=True),
    Metric("search_stop_epoch", "epoch at which the search stopped", "lower", summary=True),
    Metric("mask_distance", "mask distance at the last convergence check"),
    Metric("train_flops", "training FLOPs (search + fine-tuning)", "lower", summary=True),
    Metric("train_seconds", "training wall clock (search + fine-tuning)", "lower"),
    Metric(
        "speedup_vs_dense",
        "training FLOPs of dense FreeLB (K = dense_ref_steps) over the trial's",
        "higher",
        summary=True,
    ),
    Metric("search_flops", "FLOPs of the search this trial ran itself", sweep_cost=True),
    Metric("search_shared", "1 if the ticket came from a shared recorded search", sweep_cost=True),
    Metric("recorded_search_flops", "FLOPs of the shared recording this trial ran for others", sweep_cost=True),
    Metric("search_epoch", "epoch of the search at a convergence check", curve=True),
    Metric("mask_distance_head", "head-mask distance at a convergence check", curve=True),
    Metric("mask_distance_ffn", "FFN-mask distance at a convergence check", curve=True),
    Metric("ft_epoch", "fine-tune epoch (ASHA's clock)", curve=True),
    Metric(
        "reached_target",
        "1 if as robust and as accurate as the target (paired 95% intervals of the differences include 0 or lie above)",
        "higher",
        target=True,
    ),
    Metric(
        "target_aua_diff", "Aua minus the target's (paired on the same sentences when known)", "higher", target=True
    ),
    Metric("target_clean_diff", "clean accuracy minus the target's", "higher", target=True),
    Metric("target_margin", "the constraint Optuna sees: <= 0 when the target is reached", "lower", target=True),
]


def names(**flags) -> tuple[str, ...]:
    """The names (interval bounds included) of the metrics with all the given flags."""
    return tuple(n for m in REGISTRY if all(getattr(m, k) == v for k, v in flags.items()) for n in m.names())


def get(name: str) -> Metric | None:
    return next((m for m in REGISTRY if name in m.names()), None)


def summary_columns() -> tuple[str, ...]:
    """The summary table's metric columns: the summary metrics, with the held-out report's `report_*`
    versions of the attack metrics after the selection ones."""
    out = []
    for m in REGISTRY:
        if m.summary:
            out += m.names()
        if m.name == "attack_n":  # the last attack metric: the report's columns follow
            out += [f"report_{n}" for n in names(attack=True, summary=True) if not n.startswith(("suc", "avg_"))]
    return tuple(out)


MULTI = {"aua": "max", "train_flops": "min", "param_sparsity": "max"}  # --objective multi
COST = {"train_flops": "min"}  # --objective cost: the cheapest trial that reaches the target


def objectives(objective: str, key: str = "aua") -> dict:
    """What a sweep optimises: `key` alone (`aua`; `clean_acc` for a sweep that attacks nothing), with
    training cost and size (`multi`), or training cost subject to reaching a target (`cost`)."""
    if objective == "cost":
        return dict(COST)
    return {key: "max", "train_flops": "min", "param_sparsity": "max"} if objective == "multi" else {key: "max"}
