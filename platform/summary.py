"""The end-of-sweep table: one row per trial, Pareto front marked, as text, markdown and CSV.

Selection numbers (`aua`, `clean_acc`, ...: the selection split, what Optuna and the champion rule
saw) and report numbers (`report_*`: the held-out report split, measured once at the end for the
Pareto front and the champion) are separate columns.  The text and markdown tables show each
accuracy with its 95% interval; the CSV keeps the bounds in their own columns.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from trainables.attacks.attack_stats import paired_bits
from trainables.metric_registry import names, objectives, summary_columns
from trainables.tune.tune_reports import attack_columns, per_attack

COST_RULE = (
    "the cheapest finished trial (fewest training FLOPs; then the sparsest) that reached the target: the "
    "95% intervals of its Aua and clean-accuracy differences to the target, paired on the same sentences "
    "when the target's outcomes are known, include 0 or lie above"
)
CHAMPION_RULE = (
    "the sparsest finished trial (most parameters pruned; then higher aua, then fewer training FLOPs) "
    "that ties with the best front trial on the selection split: the paired 95% interval of their "
    "aua difference, over the sentences both were attacked on, includes 0 (trials without a common "
    "sample, and a sweep that attacks nothing, which compares clean_acc: their 95% intervals overlap)"
)


def build_table(rows: list[dict], varied: list[str], objective: str, key: str = "aua") -> pd.DataFrame:
    """One row a trial; `pareto` marks the front (for `cost`: the cheapest trials that reached the target)."""
    if objective == "cost":
        feasible = [r.get("reached_target") == 1.0 and finite(r.get("train_flops")) for r in rows]
        cheapest = min((r["train_flops"] for r, ok in zip(rows, feasible) if ok), default=math.nan)
        front = [ok and r["train_flops"] == cheapest for r, ok in zip(rows, feasible)]
    else:
        front = pareto_front(rows, objectives(objective, key))
    columns = summary_columns() + tuple(attack_columns(rows))  # each attack of a list: aua_<attack>, ...
    if objective == "cost" or any("reached_target" in r for r in rows):
        columns += names(target=True)
    table = pd.DataFrame(
        [
            {
                "trial": r["trial"],
                "status": r["status"],
                **{k: r.get(k) for k in varied},
                **{k: r.get(k, math.nan) for k in columns},
            }
            for r in rows
        ]
    )
    table.insert(0, "pareto", ["*" if f else "" for f in front])
    return table


def champion(rows: list[dict], table: pd.DataFrame, key: str = "aua", objective: str = "aua") -> dict | None:
    """The champion under uncertainty (CHAMPION_RULE): trials whose selection `key` (Aua, or clean
    accuracy when nothing is attacked) cannot be told apart from the best front trial's are equally
    good as far as the sample shows, so the sparsest of them wins.  For `cost`: the cheapest trial
    that reached the target (COST_RULE); None when none did."""
    done = [r for r in rows if r.get("run_id") and finite(r.get(key))]
    if objective == "cost":
        reached = [r for r in done if r.get("reached_target") == 1.0 and finite(r.get("train_flops"))]
        return min(reached, key=lambda r: (r["train_flops"], -(r.get("param_sparsity") or 0.0))) if reached else None
    if not done:
        return None
    front = [r for r, mark in zip(rows, table["pareto"]) if mark and r in done] or done
    best = max(front, key=lambda r: (r[key], -r["train_flops"]))
    tied = [r for r in done if ties(r, best, key)]

    def sparsity(r):
        return r["param_sparsity"] if finite(r.get("param_sparsity")) else -1.0

    return max(tied, key=lambda r: (sparsity(r), r[key], -r["train_flops"]))


def ties(row: dict, best: dict, key: str = "aua") -> bool:
    """Whether the sample cannot tell `row` below `best` (CHAMPION_RULE): paired when both carry their
    per-example outcomes on the same sample, by overlapping intervals otherwise."""
    paired = paired_bits(row.get("robust_bits"), best.get("robust_bits")) if key == "aua" else None
    if paired is not None:
        return paired["high"] >= 0  # a trial against itself: difference 0, interval [0, 0]
    floor = best.get(f"{key}_ci_low", best[key])
    floor = floor if finite(floor) else best[key]
    return (row.get(f"{key}_ci_high") if finite(row.get(f"{key}_ci_high")) else row[key]) >= floor


def display(table: pd.DataFrame) -> pd.DataFrame:
    """The table people read: each Aua with its interval in one cell."""
    out = table.copy()
    for key in ("clean_acc", "aua", "report_aua", *(k for k in out.columns if (per_attack(k) or ("",))[0] in AUAS)):
        lo, hi = interval_keys(key)
        if lo in out.columns:
            out[key] = [_interval(v, a, b) for v, a, b in zip(out[key], out[lo], out[hi])]
            out = out.drop(columns=[lo, hi]).rename(columns={key: f"{key} [95% CI]"})
    for key in ("attack_n", "report_attack_n"):
        if key in out.columns:
            out[key] = [str(int(v)) if finite(v) else "–" for v in out[key]]
    if "converged" in out.columns:  # a flag reads as one
        out["converged"] = [("yes" if v else "no") if finite(v) else "–" for v in out["converged"]]
    # of each attack of a list the table shows its aua; suc and queries stay in the CSV
    return out.drop(columns=[k for k in out.columns if per_attack(k) and per_attack(k)[0] not in AUAS])


AUAS = ("aua", "report_aua")


def interval_keys(key: str) -> tuple[str, str]:
    """The interval columns of a metric: `aua_ci_low`, ...; `aua_ci_low_textfooler` for `aua_textfooler`."""
    found = per_attack(key)
    if found:
        return f"{found[0]}_ci_low_{found[1]}", f"{found[0]}_ci_high_{found[1]}"
    return f"{key}_ci_low", f"{key}_ci_high"


def _interval(value, low, high) -> str:
    if not finite(value):
        return "–"
    return f"{value:.3f} [{low:.2f}, {high:.2f}]" if finite(low) and finite(high) else f"{value:.3f}"


# the terminal's table (160 columns): the rest is in summary.md / summary.csv
TERMINAL = {
    "pareto": "",
    "trial": "trial",
    "status": "status",
    "eval_acc": "dev acc",
    "clean_acc [95% CI]": "clean [95% CI]",
    "aua [95% CI]": "aua [95% CI]",
    "report_aua [95% CI]": "report aua [95% CI]",
    "param_sparsity": "pruned",
    "converged": "conv.",
    "search_stop_epoch": "stop ep",
    "speedup_vs_dense": "speed-up",
}


def render(table: pd.DataFrame, terminal: bool = False, varied: list[str] | tuple = ()) -> str:
    """The table as text: every column, or (`terminal`) the ones that fit 160 columns, short headers."""
    table = display(table)
    if terminal:
        # deferred: live_table loads Ray Tune, which platform.compare does not need
        from platform.live_table import SHORT  # noqa: PLC0415

        keep = {
            **{k: v for k, v in TERMINAL.items() if k in ("pareto", "trial", "status")},
            **{k: SHORT.get(k, k) for k in varied},
            **{k: v for k, v in TERMINAL.items() if k not in varied},
        }
        table = table[[k for k in keep if k in table.columns]].rename(columns=keep)

    def fmt(v):
        if isinstance(v, float):
            return "–" if math.isnan(v) else (f"{v:.3g}" if abs(v) >= 1e4 or terminal else f"{v:.3f}")
        return str(v)

    cells = [list(map(str, table.columns))] + [[fmt(v) for v in row] for row in table.itertuples(index=False)]
    widths = [max(len(r[i]) for r in cells) for i in range(len(cells[0]))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in cells]
    return "\n".join([lines[0], "-" * len(lines[0])] + lines[1:])


def write(table: pd.DataFrame, folder: Path, stem: str = "summary", rule: str = CHAMPION_RULE) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    md, csv = folder / f"{stem}.md", folder / f"{stem}.csv"
    md.write_text(
        "Pareto-optimal trials are marked *. `aua` and its 95% Wilson interval are on the selection "
        "split (what every decision used); `report_aua` on the held-out report split, measured once at "
        f"the end. Champion: {rule}.\n\n```\n" + render(table) + "\n```\n"
    )
    table.to_csv(csv, index=False)
    return [md, csv]


def finite(value) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def pareto_front(rows: list[dict], objectives: dict[str, str]) -> list[bool]:
    """True for rows no other row dominates (rows with a NaN objective are never on the front)."""

    def better_or_equal(a, b, key):
        return a[key] >= b[key] if objectives[key] == "max" else a[key] <= b[key]

    def strictly(a, b, key):
        return a[key] > b[key] if objectives[key] == "max" else a[key] < b[key]

    valid = [all(finite(r.get(k)) for k in objectives) for r in rows]
    front = []
    for i, r in enumerate(rows):
        dominated = any(
            valid[j]
            and all(better_or_equal(o, r, k) for k in objectives)
            and any(strictly(o, r, k) for k in objectives)
            for j, o in enumerate(rows)
            if j != i
        )
        front.append(valid[i] and not dominated)
    return front
