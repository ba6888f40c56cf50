"""`python -m platform.evaluate`: attack any classifier by the trials' protocol — Clean / Aua [95% CI] /
Suc / queries for each attack and the worst case over them.

    python -m platform.evaluate --model models:/earlyrobust-ticket@champion --dataset sst2 \
        --attack textfooler,textbugger,bertattack --split test --n 500 --out eval

The model: a ticket folder, `models:/name@alias` or `runs:/…`, a folder of a dense sequence-classification
model, or a Hugging Face id.  The sample is the trials' (seeded, label-stratified); every example is
written to `<out>/attack*.jsonl` as it finishes (original and perturbed text, outcome, queries), so an
interrupted run resumes where it stopped when run again with the same settings.  The summary goes to
`<out>/evaluation.md` and `.csv`, and to MLflow with `--mlflow-uri`.
"""
from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

from platform import environment
from platform.errors import Parser, UsageError

SETTINGS = "evaluation.json"


def parser() -> Parser:
    p = Parser(prog="python -m platform.evaluate", description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True, help="ticket folder, models:/name@alias, runs:/id/ticket, folder or hub id")
    p.add_argument("--dataset", default="sst2", help="sst2, ag_news, imdb, rte, ..., or a path to a folder or file")
    p.add_argument("--data-dir", default="", help="folder holding local copies of named datasets")
    p.add_argument("--split", default="test", choices=("train", "validation", "test"))
    p.add_argument("--attack", default="textfooler", help="one attack or a comma-separated list (worst case over them)")
    p.add_argument("--n", default="500", help="examples attacked: a seeded, label-stratified sample ('all': every row)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--max-length", type=int, default=128, help="tokens per input (longer ones are truncated)")
    p.add_argument("--calibrate", action="store_true", help="attack with the logits temperature-scaled (T fitted on "
                                                               "the validation split by NLL)")
    p.add_argument("--out", default="evaluation", help="folder for the per-example JSONL and the summary")
    p.add_argument("--mlflow-uri", help="also log the evaluation as an MLflow run there")
    p.add_argument("--experiment", default="earlyrobust-evaluations")
    return p


def settings(args) -> dict:
    """The trial config the evaluation runs by (validated as a trial's), and what makes a run resumable."""
    from trainables.config import validate_config

    try:
        cfg = validate_config({"dataset": args.dataset, "data_dir": args.data_dir, "attack": args.attack,
                               "attack_n": args.n, "seed": args.seed, "max_length": args.max_length,
                               "attack_calibration": args.calibrate})
    except ValueError as exc:
        raise UsageError(str(exc).replace("parameter 'attack_n'", "--n").replace("parameter '", "--")) from None
    if cfg["attack"] == "embedding_pgd":
        raise UsageError("--attack embedding_pgd perturbs embeddings, not text: use text attacks here")
    return cfg


def rows(result: dict, attacks: list[str]) -> list[dict]:
    """One row per attack and, for a list, the worst case."""
    def row(name, suffix, kind):
        get = (lambda k: result.get(f"{k}_{name}", math.nan)) if suffix else result.get
        return {"attack": name, "kind": kind, "n": result.get("attack_n"), "clean_acc": result.get("clean_acc"),
                "clean_acc_ci_low": result.get("clean_acc_ci_low"), "clean_acc_ci_high": result.get("clean_acc_ci_high"),
                "aua": get("aua"), "aua_ci_low": get("aua_ci_low"), "aua_ci_high": get("aua_ci_high"),
                "suc": get("suc"), "avg_queries": get("avg_queries")}
    if len(attacks) == 1:
        return [row(attacks[0], False, "attack")]
    return [row(a, True, "attack") for a in attacks] + [row(",".join(attacks), False, "worst case")]


def render(table: list[dict]) -> str:
    def cell(v, lo=None, hi=None):
        if not isinstance(v, (int, float)) or not math.isfinite(v):
            return "–"
        return f"{v:.3f} [{lo:.3f}, {hi:.3f}]" if lo is not None and math.isfinite(lo) else f"{v:.3g}"
    head = "| attack | n | clean [95% CI] | aua [95% CI] | suc | queries/example |\n|---|---|---|---|---|---|\n"
    return head + "".join(
        f"| {r['attack']}{' (worst case)' if r['kind'] == 'worst case' else ''} | {r['n']} | "
        f"{cell(r['clean_acc'], r['clean_acc_ci_low'], r['clean_acc_ci_high'])} | "
        f"{cell(r['aua'], r['aua_ci_low'], r['aua_ci_high'])} | {cell(r['suc'])} | {cell(r['avg_queries'])} |\n"
        for r in table)


def run(args) -> dict:
    import pandas as pd

    from platform.classifiers import load_classifier
    from trainables.attacks.evaluate import evaluate_robustness
    from trainables.data.datasets import label_names, load_split
    from trainables.earlyrobust.training import device

    cfg = settings(args)
    out = Path(args.out).resolve()
    wanted = {"model": args.model, "dataset": args.dataset, "data_dir": args.data_dir, "split": args.split,
              **{k: cfg[k] for k in ("attack", "attack_n", "seed", "max_length", "attack_calibration")}}
    saved = out / SETTINGS
    if saved.is_file() and json.loads(saved.read_text()) != wanted:
        raise UsageError(f"--out {out} holds an evaluation with other settings ({saved}): give another --out, "
                         "or delete that folder to start again")
    try:
        data = load_split(cfg["dataset"], args.split, cfg["data_dir"])
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if cfg["attack_n"] > len(data):
        raise UsageError(f"--n = {cfg['attack_n']} is larger than the split ({len(data)} rows): use at most "
                         f"{len(data)}, or 'all'")
    if args.mlflow_uri:  # before anything is attacked
        from platform import tracking

        tracking.check_reachable(args.mlflow_uri)
    model, tokenizer, what = load_classifier(args.model, out)
    check_labels(model, data, label_names(data))
    out.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(wanted, indent=1))
    dev = device()
    started, last = time.monotonic(), [0.0]

    def progress(done: int, total: int) -> None:
        if done == total or time.monotonic() - last[0] > 10:
            last[0] = time.monotonic()
            rate = (time.monotonic() - started) / max(done, 1)
            print(f"  attacked {done}/{total} ({(total - done) * rate:.0f} s left at this pace)", flush=True)
    print(f"evaluate: {what} on {args.dataset}/{args.split}, attack {cfg['attack']}, results in {out}", flush=True)
    result = evaluate_robustness(model.to(dev).eval(), tokenizer, cfg, args.split, out / "attack.jsonl", dev, progress)
    table = rows(result, cfg["attack"].split(","))
    md = render(table)
    scaled = f"; logits / T, T = {result['temperature']:.3f} (fitted on validation)" if "temperature" in result else ""
    (out / "evaluation.md").write_text(f"# Robustness of {args.model}\n\n{args.dataset}/{args.split}, seed {cfg['seed']}, "
                                       f"max_length {cfg['max_length']}{scaled}; intervals: 95% Wilson.\n\n{md}")
    pd.DataFrame(table).to_csv(out / "evaluation.csv", index=False)
    print("\n" + md + f"\nwritten: {out / 'evaluation.md'}, {out / 'evaluation.csv'}, {out}/attack*.jsonl")
    if args.mlflow_uri:
        log_to_mlflow(args, wanted, result, out)
    return result


def check_labels(model, data, names: list[str] | None) -> None:
    """The model must have the data's classes (and, when both name them, the same names in the same order)."""
    from trainables.tune.tracking import custom_labels

    classes = max(data["label"]) + 1
    if model.config.num_labels < classes:
        raise UsageError(f"--model has {model.config.num_labels} classes and the data {classes}: evaluate it on data "
                         "with its own classes")
    if names and custom_labels(model.config):
        own = [model.config.id2label[i] for i in range(model.config.num_labels)]
        if own != names:
            raise UsageError(f"--model names its classes {own}, the data {names}: they must match in order")


def log_to_mlflow(args, wanted: dict, result: dict, out: Path) -> None:
    import mlflow

    from mlflow.tracking import MlflowClient

    client = MlflowClient(args.mlflow_uri)
    mlflow.set_tracking_uri(args.mlflow_uri)
    mlflow.set_experiment(args.experiment)
    with mlflow.start_run(run_name=f"evaluate {Path(args.model).name or args.model}") as run:
        mlflow.log_params(wanted)
        mlflow.log_metrics({k: float(v) for k, v in result.items() if isinstance(v, (int, float)) and math.isfinite(v)})
        for path in sorted(out.glob("attack*.jsonl")) + [out / "evaluation.md", out / "evaluation.csv"]:
            client.log_artifact(run.info.run_id, str(path))
    print(f"logged to MLflow: experiment {args.experiment}, run {run.info.run_id}")


def main(argv: list[str] | None = None) -> int:
    environment.quiet_defaults()
    try:
        run(parser().parse_args(argv))
    except UsageError as exc:
        print(f"evaluate: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
