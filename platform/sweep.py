"""`python -m platform.sweep`: search robust early-bird tickets with Ray Tune, Optuna and MLflow.

With no flags: the `quick` space (packaged MiniLM, SST-2 from local data) on a new local Ray,
MLflow in ./mlflow.db, results under ./sweeps.  Run as a script (`ray submit` copies this file
alone and runs `python ~/sweep.py`), it finds the repository and re-runs itself as the module.
"""

from __future__ import annotations

import os
import sys

if __name__ == "__main__" and not __package__:  # run as a script: become `python -m platform.sweep`
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [
        os.environ.get("EARLYROBUST_REPO", ""),
        os.path.dirname(here),
        os.getcwd(),
        os.path.expanduser("~/earlyrobust"),
    ]
    repo = next((c for c in candidates if c and os.path.isfile(os.path.join(c, "platform", "sweep.py"))), None)
    if repo is None:
        sys.stderr.write("sweep: error: cannot find the repository (set EARLYROBUST_REPO to its folder)\n")
        sys.exit(2)
    os.chdir(repo)
    os.execv(sys.executable, [sys.executable, "-m", "platform.sweep", *sys.argv[1:]])

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import yaml  # noqa: E402

from platform import describe, environment, sweep_tracking  # noqa: E402
from platform.storage import Storage  # noqa: E402
from platform.sweep_flags import OBJECTIVES, parser  # noqa: E402
from platform.usage import UsageError  # noqa: E402
from platform.validation import check_args  # noqa: E402
from trainables.errors import ConfigError  # noqa: E402
from trainables.secrets import SECRET_ARGS, redact  # noqa: E402

STATE_FILE = "sweep.json"
# what --resume may change; every other setting is the sweep's own (saved in sweep.json)
RESUMABLE = ("resume", "name", "storage_path", "max_concurrent", "time_budget_s", "ray_address", "dry_run")


@dataclass
class Plan:
    args: argparse.Namespace
    space: object
    storage: Storage
    name: str
    objective: str
    scheduler: str
    num_samples: int
    max_concurrent: int
    cpus: float
    gpus: float
    trainable: str
    mlflow_uri: str
    client: object
    inputs: dict
    target: object = None  # a robustness_target.Target, or the name of a reference arm to train first
    share_searches: bool = False
    share_reason: str = "no"
    claims: object = None  # the actor granting shared searches (created once Ray runs)

    @property
    def metric(self) -> str:
        """What trials are scored and the champion chosen on: aua, or clean_acc when nothing is attacked."""
        return "clean_acc" if self.space.candidates("attack") == ["none"] else "aua"


def parse_sets(items: list[str]) -> dict:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--set {item!r} must look like key=value")
        try:
            out[key.strip()] = yaml.safe_load(value.strip()) if value.strip() else ""
        except yaml.YAMLError:
            out[key.strip()] = value.strip()
    return out


def latest_sweep(storage: Storage) -> str:
    found = storage.sweeps_by_age(STATE_FILE)
    if not found:
        raise UsageError(f"--resume: no earlier sweep in {storage} (run one first, or give --storage-path)")
    return found[-1]


def plan_from(args: argparse.Namespace) -> Plan:
    """Validate everything before anything starts: no Ray, no MLflow run on bad input."""
    # deferred: loads torch/transformers/Ray; the command answers bad input before
    from search_spaces import load_space  # noqa: PLC0415

    check_args(args)
    try:
        storage = Storage(args.storage_path)
        if not args.dry_run:
            storage.check_writable()
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.resume:
        given = {k: v for k, v in vars(args).items() if k not in RESUMABLE and v != parser().get_default(k)}
        args.name = args.name or latest_sweep(storage)
        if not storage.exists(args.name, STATE_FILE):
            raise UsageError(f"--resume: no sweep named {args.name!r} in {storage}")
        alive = environment.running_driver(storage.local_dir(), args.name)
        if alive is not None:
            raise UsageError(
                f"--resume: sweep {args.name!r} is still running (its driver is process {alive}): "
                f"wait for it, or stop it first (kill {alive})"
            )
        saved = json.loads(storage.read_text(args.name, STATE_FILE))["args"]
        for key, env in SECRET_ARGS.items():  # saved redacted: the whole value comes again from the user
            if saved.get(key) and "***" in saved[key]:
                whole = getattr(args, key) or os.environ.get(env, "")
                if redact(whole) != saved[key]:
                    flag = "--" + key.replace("_", "-")
                    raise UsageError(
                        f"--resume: sweep {args.name!r} was run with {flag} {saved[key]}, whose password "
                        f"is never saved: give {flag} again with it (or set {env})"
                    )
                saved[key] = whole
                given.pop(key, None)
        changed = [k for k, v in given.items() if saved.get(k) != v]
        if changed:
            flag = "--" + changed[0].replace("_", "-")
            raise UsageError(
                f"--resume keeps the sweep's own settings, so {flag} cannot change: only "
                "--max-concurrent, --time-budget-s and --ray-address may change on resume"
            )
        for key, value in saved.items():  # the resumed sweep keeps its own settings
            if key not in RESUMABLE or (key in ("max_concurrent", "time_budget_s") and getattr(args, key) is None):
                setattr(args, key, value)
    space = load_space(args.space or "quick").with_fixed(parse_sets(args.set))
    sweep = space.sweep
    objective = args.objective or sweep.get("objective", "aua")
    scheduler = args.scheduler or sweep.get("scheduler", "none")
    if objective not in OBJECTIVES:
        raise UsageError(f"objective {objective!r} is unknown: use one of {', '.join(OBJECTIVES)}")
    target_spec = args.target or sweep.get("target")
    if target_spec == "none":
        target_spec = None
    if objective == "cost" and not target_spec:
        raise UsageError(
            "--objective cost minimises training FLOPs subject to reaching a target: give --target "
            "(aua=A,clean_acc=C, runs:/ID, models:/NAME@ALIAS, dense_pgd or dense_freelb)"
        )
    if target_spec and space.candidates("attack") == ["none"]:
        raise UsageError("--target is a robustness to reach, and the space attacks nothing: set an attack")
    if scheduler == "asha" and objective == "multi":
        raise UsageError(
            "--scheduler asha needs one scalar metric, and a multi-objective run has none: "
            "use --objective aua or --scheduler none"
        )
    num = args.num_samples if args.num_samples is not None else int(sweep.get("num_samples", 4))
    conc = args.max_concurrent if args.max_concurrent is not None else int(sweep.get("max_concurrent", 1))
    cpus = args.cpus_per_trial if args.cpus_per_trial is not None else float(sweep.get("cpus_per_trial", 1))
    gpus = args.gpus_per_trial if args.gpus_per_trial is not None else float(sweep.get("gpus_per_trial", 0))
    if num < 1 or conc < 1 or cpus <= 0 or gpus < 0:
        raise UsageError("--num-samples and --max-concurrent must be >= 1, --cpus-per-trial > 0, --gpus-per-trial >= 0")
    if not args.ray_address:  # a new local Ray: its GPUs are this machine's
        # deferred: loads torch/transformers/Ray; the command answers bad input before
        import torch  # noqa: PLC0415

        if gpus > torch.cuda.device_count():
            raise UsageError(
                f"--gpus-per-trial {gpus:g} but this machine has {torch.cuda.device_count()} GPUs: "
                "use --gpus-per-trial 0, or --ray-address of a cluster with GPUs"
            )
    # deferred: loads torch/transformers/Ray; the command answers bad input before
    from platform.preflight import check_sources  # noqa: PLC0415
    from platform.robustness_target import parse  # noqa: PLC0415

    in_mlflow = str(target_spec).startswith(("runs:/", "models:/"))
    target = target_spec if in_mlflow else parse(target_spec, space)
    inputs = check_sources(space)
    uri = args.mlflow_uri or sweep_tracking.default_uri(Path.cwd())
    if in_mlflow and uri.startswith("sqlite:///") and not Path(uri[len("sqlite:///") :]).is_file():
        raise UsageError(f"--target {target_spec}: there is no MLflow store at {uri} to find it in: give --mlflow-uri")
    client = None if args.dry_run else sweep_tracking.check_reachable(uri)
    if in_mlflow and client is not None:
        target = parse(target_spec, space, client)
    name = args.name or f"{space.name}-{time.strftime('%Y%m%d-%H%M%S')}"
    if not args.resume and storage.exists(name, STATE_FILE):
        raise UsageError(f"--name {name!r} already exists in {storage}: use --resume to finish it, or another name")
    trainable = sweep.get("trainable", "ticket")
    # deferred: loads torch/transformers/Ray; the command answers bad input before
    from trainables.search_sharing import decide  # noqa: PLC0415

    return Plan(
        args,
        space,
        storage,
        name,
        objective,
        scheduler,
        num,
        conc,
        cpus,
        gpus,
        trainable,
        uri,
        client,
        inputs,
        target,
        *decide(space, args.share_searches, trainable, num, conc),
    )


def main(argv: list[str] | None = None) -> int:
    environment.quiet_defaults()
    try:
        args = parser().parse_args(argv)
        if args.list_params:
            print(describe.list_params())
            return 0
        plan = plan_from(args)
    except (UsageError, ConfigError) as exc:
        print(f"sweep: error: {exc}", file=sys.stderr)
        return 2
    if args.dry_run:
        print(describe.describe_plan(plan))
        return 0
    # deferred: loads torch/transformers/Ray; the command answers bad input before
    from platform.sweep_run import run_sweep  # noqa: PLC0415

    try:
        return run_sweep(plan)
    except UsageError as exc:
        print(f"sweep: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
