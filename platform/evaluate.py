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
import os
import sys
import time
from pathlib import Path

from platform import environment, sweep_tracking
from platform.label_mapping import class_names, label_map
from platform.usage import Parser, UsageError
from trainables.errors import ConfigError

SETTINGS = "evaluation.json"


def parser() -> Parser:
    # deferred: loads torch/transformers/Ray; the command answers bad input before
    from trainables.config import PARAMS  # noqa: PLC0415

    p = Parser(prog="python -m platform.evaluate", description=__doc__.splitlines()[0])
    p.add_argument(
        "--model", required=True, help="ticket folder, models:/name@alias, runs:/id/ticket, folder or hub id"
    )
    p.add_argument("--dataset", default="sst2", help="sst2, ag_news, imdb, rte, ..., or a path to a folder or file")
    p.add_argument("--data-dir", default="", help="folder holding local copies of named datasets")
    p.add_argument("--split", default="test", choices=("train", "validation", "test"))
    p.add_argument("--attack", default="textfooler", help="one attack or a comma-separated list (worst case over them)")
    p.add_argument(
        "--n",
        default=str(PARAMS["attack_n"].default),
        help="examples attacked: a seeded, label-stratified sample ('all': every row; default the trials')",
    )
    p.add_argument("--seed", type=int, default=PARAMS["seed"].default, help="the sample's seed (default the trials')")
    p.add_argument(
        "--max-length",
        type=int,
        help="tokens per input, longer ones truncated (default the model's own: a ticket's is its trial's)",
    )
    p.add_argument(
        "--label-map",
        help="which data class each model class stands for, when they differ: "
        "MODEL=DATA,... over every model class (ids or names)",
    )
    p.add_argument(
        "--calibrate",
        action="store_true",
        help="attack with the logits temperature-scaled (T fitted on the validation split by NLL)",
    )
    p.add_argument("--out", default="evaluation", help="folder for the per-example JSONL and the summary")
    p.add_argument("--mlflow-uri", help="also log the evaluation as an MLflow run there")
    p.add_argument("--experiment", default="earlyrobust-evaluations")
    return p


def settings(args, max_length: int | None = None) -> dict:
    """The trial config the evaluation runs by (validated as a trial's)."""
    # deferred: loads torch/transformers/Ray; the command answers bad input before
    from trainables.config import validate_config  # noqa: PLC0415

    given = {
        "dataset": args.dataset,
        "data_dir": args.data_dir,
        "attack": args.attack,
        "attack_n": args.n,
        "seed": args.seed,
        "attack_calibration": args.calibrate,
    }
    try:
        cfg = validate_config({**given, **({"max_length": max_length} if max_length is not None else {})})
    except ValueError as exc:
        raise UsageError(str(exc).replace("parameter 'attack_n'", "--n").replace("parameter '", "--")) from None
    if cfg["attack"] == "embedding_pgd":
        raise UsageError("--attack embedding_pgd perturbs embeddings, not text: use text attacks here")
    return cfg


def model_store(args) -> str | None:
    """Where a `models:/` or `runs:/` model is found: --mlflow-uri, else $MLFLOW_TRACKING_URI, else the
    sweep's default store (./mlflow.db), which must exist (nothing is created to look a model up)."""
    if not args.model.startswith(("models:/", "runs:/")):
        return args.mlflow_uri
    uri = args.mlflow_uri or os.environ.get("MLFLOW_TRACKING_URI") or sweep_tracking.default_uri(Path.cwd())
    if uri.startswith("sqlite:///") and not Path(uri[len("sqlite:///") :]).is_file():
        raise UsageError(
            f"--model {args.model}: there is no MLflow store at {uri}: give --mlflow-uri (or set "
            "MLFLOW_TRACKING_URI) where the sweep logged"
        )
    return uri


def model_max_length(classifier, given: int | None) -> int:
    """--max-length, or the model's own (its tokenizer's, a ticket's being its trial's), within its positions."""
    # deferred: loads torch/transformers/Ray; the command answers bad input before
    from platform.preflight import position_limit  # noqa: PLC0415

    limit = position_limit(classifier.model.config)
    if given is not None:
        if given < 1 or (limit is not None and given > limit):
            raise UsageError(f"--max-length {given} is not allowed: the model positions 1..{limit} tokens")
        return given
    own = getattr(classifier.tokenizer, "model_max_length", None)
    own = own if isinstance(own, int) and 0 < own < 100_000 else None  # transformers' "no limit" is ~1e30
    return min(x for x in (own, limit, 512) if x is not None)


def rows(result: dict, attacks: list[str]) -> list[dict]:
    """One row per attack and, for a list, the worst case."""

    def row(name, suffix, kind):
        get = (lambda k: result.get(f"{k}_{name}", math.nan)) if suffix else result.get
        return {
            "attack": name,
            "kind": kind,
            "n": result.get("attack_n"),
            "clean_acc": result.get("clean_acc"),
            "clean_acc_ci_low": result.get("clean_acc_ci_low"),
            "clean_acc_ci_high": result.get("clean_acc_ci_high"),
            "aua": get("aua"),
            "aua_ci_low": get("aua_ci_low"),
            "aua_ci_high": get("aua_ci_high"),
            "suc": get("suc"),
            "avg_queries": get("avg_queries"),
        }

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
        for r in table
    )


def run(args) -> dict:
    # deferred: loads torch/transformers/Ray; the command answers bad input before
    import pandas as pd  # noqa: PLC0415

    from platform.classifiers import load_classifier  # noqa: PLC0415
    from trainables.attacks.robustness import evaluate_robustness  # noqa: PLC0415
    from trainables.compute import device  # noqa: PLC0415
    from trainables.data.dataset_tables import label_names  # noqa: PLC0415
    from trainables.data.datasets import load_split  # noqa: PLC0415

    settings(args)  # the flags that need no model, checked before anything is loaded
    out = Path(args.out).resolve()
    saved = out / SETTINGS
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file: give a folder")
    if not args.experiment.strip():
        raise UsageError("--experiment is empty: give the MLflow experiment's name (default earlyrobust-evaluations)")
    store = model_store(args)
    if args.mlflow_uri:  # before anything is attacked
        sweep_tracking.check_reachable(args.mlflow_uri)
    try:
        data = load_split(args.dataset, args.split, args.data_dir)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    n = settings(args)["attack_n"]
    if n > len(data):
        raise UsageError(f"--n = {n} is larger than the split ({len(data)} rows): use at most {len(data)}, or 'all'")
    classifier = load_classifier(args.model, store)
    cfg = settings(args, model_max_length(classifier, args.max_length))
    data_names = label_names(data) or [str(k) for k in range(max(data["label"]) + 1)]
    mapping = label_map(args.label_map, class_names(classifier.model.config), data_names)
    if mapping is not None and args.calibrate:
        raise UsageError("--calibrate fits T on the model's own classes: leave it out with --label-map")
    wanted = {
        "model": args.model,
        "dataset": args.dataset,
        "data_dir": args.data_dir,
        "split": args.split,
        **{k: cfg[k] for k in ("attack", "attack_n", "seed", "max_length", "attack_calibration")},
        "label_map": mapping,
        "resolved_model": classifier.identity,
    }
    if saved.is_file():
        before = json.loads(saved.read_text())
        if before.get("resolved_model") != wanted["resolved_model"]:
            raise UsageError(
                f"--out {out} holds an evaluation of another model ({_identity(before.get('resolved_model'))};"
                f" --model {args.model} is now {_identity(wanted['resolved_model'])}): give another --out"
            )
        if before != wanted:
            raise UsageError(
                f"--out {out} holds an evaluation with other settings ({saved}): give another --out, "
                "or delete that folder to start again"
            )
    out.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(wanted, indent=1))
    dev = device()
    started, last = time.monotonic(), [0.0]

    def progress(done: int, total: int) -> None:
        if done == total or time.monotonic() - last[0] > 10:
            last[0] = time.monotonic()
            rate = (time.monotonic() - started) / max(done, 1)
            print(f"  attacked {done}/{total} ({(total - done) * rate:.0f} s left at this pace)", flush=True)

    print(
        f"evaluate: {classifier.what} on {args.dataset}/{args.split}, attack {cfg['attack']}, n {cfg['attack_n']}, "
        f"seed {cfg['seed']}, max_length {cfg['max_length']}; results in {out}",
        flush=True,
    )
    result = evaluate_robustness(
        classifier.model.to(dev).eval(),
        classifier.tokenizer,
        cfg,
        args.split,
        out / "attack.jsonl",
        dev,
        progress,
        class_map=mapping,
    )
    table = rows(result, cfg["attack"].split(","))
    md = render(table)
    scaled = f"; logits / T, T = {result['temperature']:.3f} (fitted on validation)" if "temperature" in result else ""
    (out / "evaluation.md").write_text(
        f"# Robustness of {args.model}\n\n{args.dataset}/{args.split}, seed {cfg['seed']}, "
        f"max_length {cfg['max_length']}{scaled}; model {_identity(classifier.identity)}; "
        f"intervals: 95% Wilson.\n\n{md}"
    )
    pd.DataFrame(table).to_csv(out / "evaluation.csv", index=False)
    print(
        "\n"
        + md
        + f"\nwritten: {out / 'evaluation.md'}, {out / 'evaluation.csv'}, {out}/attack*.jsonl, {out / 'attack.html'} (the attacked examples)"
    )
    if args.mlflow_uri:
        log_to_mlflow(args, wanted, result, out)
    return result


def _identity(identity: dict | None) -> str:
    """A resolved model in words: its registered version or run, folder or hub revision, and weights."""
    if not identity:
        return "unknown model"
    where = ", ".join(f"{k} {v}" for k, v in identity.items() if k != "weights_sha256" and v is not None)
    return f"{where}, weights sha256 {identity.get('weights_sha256', '?')[:12]}"


def log_to_mlflow(args, wanted: dict, result: dict, out: Path) -> None:
    # deferred: loads torch/transformers/Ray; the command answers bad input before
    import mlflow  # noqa: PLC0415
    from mlflow.tracking import MlflowClient  # noqa: PLC0415

    client = MlflowClient(args.mlflow_uri)
    mlflow.set_tracking_uri(args.mlflow_uri)
    mlflow.set_experiment(args.experiment)
    with mlflow.start_run(run_name=f"evaluate {Path(args.model).name or args.model}") as run:
        mlflow.log_params({k: v for k, v in wanted.items() if k != "resolved_model"})
        mlflow.set_tags({f"model_{k}": str(v) for k, v in wanted["resolved_model"].items()})
        mlflow.log_metrics({k: float(v) for k, v in result.items() if isinstance(v, (int, float)) and math.isfinite(v)})
        for path in (
            sorted(out.glob("attack*.jsonl"))
            + sorted(out.glob("attack.html"))
            + [out / "evaluation.md", out / "evaluation.csv"]
        ):
            client.log_artifact(run.info.run_id, str(path))
    print(f"logged to MLflow: experiment {args.experiment}, run {run.info.run_id}")


def main(argv: list[str] | None = None) -> int:
    environment.quiet_defaults()
    try:
        run(parser().parse_args(argv))
    except (UsageError, ConfigError) as exc:
        print(f"evaluate: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
