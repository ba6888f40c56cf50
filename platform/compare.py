"""`python -m platform.compare`: compare a sweep's tickets from MLflow — a table (Pareto front
marked) and plots, logged to the sweep's parent run.

    python -m platform.compare [--experiment NAME] [--mlflow-uri URI] [--sweep NAME] [--sort aua]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from pathlib import Path

from platform import environment, summary, sweep_tracking
from platform.compare_plots import plot_champion, plot_distances_all, plot_pareto
from platform.usage import Parser, UsageError
from trainables.metric_registry import names, summary_columns
from trainables.secrets import redact
from trainables.tune.tune_reports import per_attack


def parser() -> argparse.ArgumentParser:
    p = Parser(prog="python -m platform.compare", description=__doc__.splitlines()[0])
    p.add_argument("--experiment", default="earlyrobust")
    p.add_argument("--mlflow-uri", help="default sqlite:///$PWD/mlflow.db")
    p.add_argument("--sweep", help="the sweep's name (default: the latest sweep in the experiment)")
    p.add_argument("--sort", default="aua", help="column to sort by (descending; --ascending to flip)")
    p.add_argument("--ascending", action="store_true")
    p.add_argument("--out", default="compare", help="folder for compare.md, compare.csv and the plots")
    p.add_argument("--no-log", action="store_true", help="do not log the table and plots to the parent run")
    return p


def find_parent(client, exp_id: str, name: str | None):
    query = "tags.sweep != ''" + (f" and tags.sweep = '{name}'" if name else "")
    runs = client.search_runs([exp_id], query, order_by=["attributes.start_time DESC"], max_results=1)
    if not runs:
        raise UsageError(
            f"no sweep {'named ' + repr(name) + ' ' if name else ''}in this experiment: run "
            "`python -m platform.sweep` first, or check --experiment and --sweep"
        )
    return runs[0]


def load_rows(client, parent, out: Path) -> tuple[list[dict], list[str], dict]:
    children = client.search_runs([parent.info.experiment_id], f"tags.mlflow.parentRunId = '{parent.info.run_id}'")
    children = [run for run in children if "role" not in run.data.tags]  # the target's reference is not a trial
    keys = sorted({k for run in children for k in run.data.params})
    varied = [k for k in keys if len({run.data.params.get(k) for run in children}) > 1]
    rows, curves = [], {}
    for run in children:
        metrics, params = run.data.metrics, run.data.params
        status = run.data.tags.get("status") or ("done" if run.info.status == "FINISHED" else run.info.status.lower())
        rows.append(
            {
                "trial": run.data.tags.get("ray_trial_id", run.info.run_name),
                "status": status,
                "run_id": run.info.run_id if status == "done" else None,
                **{k: _num(params.get(k)) for k in varied},
                **{k: metrics.get(k, math.nan) for k in summary_columns()},
                **{k: metrics[k] for k in names(target=True) if k in metrics},
                **{k: v for k, v in metrics.items() if per_attack(k)},
                "robust_bits": run.data.tags.get("robust_bits"),
                "clean_bits": run.data.tags.get("clean_bits"),
            }
        )
        path = _artifact(client, run.info.run_id, "distances.json", out / "artifacts" / run.info.run_id)
        if path is not None:
            curves[rows[-1]["trial"]] = (json.loads(path.read_text()), _num(params.get("conv_eps")))
    return rows, varied, curves


def _num(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def _artifact(client, run_id: str, name: str, dest: Path) -> Path | None:
    if name not in {f.path for f in client.list_artifacts(run_id)}:
        return None
    dest.mkdir(parents=True, exist_ok=True)
    return Path(client.download_artifacts(run_id, name, str(dest)))


def main(argv: list[str] | None = None) -> int:
    environment.quiet_defaults()
    try:
        args = parser().parse_args(argv)
        uri = args.mlflow_uri or sweep_tracking.default_uri(Path.cwd())
        if uri.startswith("sqlite:///") and not Path(uri[len("sqlite:///") :]).is_file():
            raise UsageError(
                f"there is no MLflow store at {uri}: run `python -m platform.sweep` first, or give "
                "--mlflow-uri where it logged"
            )
        client = sweep_tracking.check_reachable(uri)
        exp = client.get_experiment_by_name(args.experiment)
        if exp is None:
            raise UsageError(f"--experiment {args.experiment!r} does not exist at {redact(uri)}")
        parent = find_parent(client, exp.experiment_id, args.sweep)
        out = Path(args.out).resolve()
        if out.exists() and not out.is_dir():
            raise UsageError(f"--out {out} is a file: give a folder")
        with tempfile.TemporaryDirectory(prefix="er-compare-") as work:  # nothing under --out before the checks
            rows, varied, curves = load_rows(client, parent, Path(work))
        metric = parent.data.tags.get("selection_metric", "aua")
        table = summary.build_table(rows, varied, parent.data.tags.get("objective", "aua"), metric)
        if args.sort not in table.columns:
            raise UsageError(f"--sort {args.sort!r} is not a column: use one of {', '.join(table.columns)}")
    except (UsageError, ValueError) as exc:
        print(f"compare: error: {exc}", file=sys.stderr)
        return 2
    front = list(table["pareto"] == "*")
    best = summary.champion(rows, table, metric, parent.data.tags.get("objective", "aua"))
    table = table.sort_values(args.sort, ascending=args.ascending, na_position="last")
    print(f"sweep {parent.data.tags['sweep']} ({len(rows)} trials; Pareto front marked *)\n")
    print(summary.render(table, terminal=True, varied=varied))
    print(f"(the full table: {out / 'compare.md'}, {out / 'compare.csv'})")
    files = summary.write(table, out, stem="compare")
    files.append(plot_pareto(rows, front, out / "pareto.png"))
    if curves:
        files.append(plot_distances_all(curves, out / "mask_distances.png"))
    ticket = _artifact(client, best["run_id"], "ticket.json", out / "champion") if best else None
    if ticket is not None:
        files.append(plot_champion(json.loads(ticket.read_text()), out / "champion_ticket.png", best["trial"]))
    if not args.no_log:
        for path in files:
            client.log_artifact(parent.info.run_id, str(path), "compare")
    print("\nwrote " + ", ".join(str(f) for f in files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
