"""The end-of-sweep table: one row per trial, Pareto front marked, as text, markdown and CSV."""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from trainables.tune.metrics import MULTI, pareto_front

COLUMNS = ("eval_acc", "clean_acc", "aua", "suc", "head_sparsity", "ffn_sparsity", "param_sparsity", "search_stop_epoch",
           "train_flops", "speedup_vs_dense")


def build_table(rows: list[dict], varied: list[str], objective: str) -> pd.DataFrame:
    objectives = MULTI if objective == "multi" else {"aua": "max"}
    front = pareto_front(rows, objectives)
    table = pd.DataFrame([{"trial": r["trial"], "status": r["status"], **{k: r.get(k) for k in varied},
                           **{k: r.get(k, math.nan) for k in COLUMNS}} for r in rows])
    table.insert(0, "pareto", ["*" if f else "" for f in front])
    return table


def champion(rows: list[dict], table: pd.DataFrame) -> dict | None:
    """Highest Aua on the Pareto front (ties: fewer training FLOPs)."""
    best = [r for r, mark in zip(rows, table["pareto"]) if mark and r.get("run_id")]
    return max(best, key=lambda r: (r["aua"], -r["train_flops"])) if best else None


def render(table: pd.DataFrame) -> str:
    def fmt(v):
        if isinstance(v, float):
            return "nan" if math.isnan(v) else (f"{v:.3g}" if abs(v) >= 1e4 else f"{v:.3f}")
        return str(v)
    cells = [list(map(str, table.columns))] + [[fmt(v) for v in row] for row in table.itertuples(index=False)]
    widths = [max(len(r[i]) for r in cells) for i in range(len(cells[0]))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in cells]
    return "\n".join([lines[0], "-" * len(lines[0])] + lines[1:])


def write(table: pd.DataFrame, folder: Path, stem: str = "summary") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    md, csv = folder / f"{stem}.md", folder / f"{stem}.csv"
    md.write_text("Pareto-optimal trials are marked *.\n\n```\n" + render(table) + "\n```\n")
    table.to_csv(csv, index=False)
    return [md, csv]
