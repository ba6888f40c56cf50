"""What `python -m platform.sweep` prints without running anything: the parameter table
(`--list-params`) and a checked plan (`--dry-run`)."""

from __future__ import annotations

from platform import gpu_estimate, sweep_tracking


def list_params() -> str:
    # deferred: loads torch/transformers/Ray; the command answers bad input before
    from trainables.config import PARAMS  # noqa: PLC0415

    rows = [(name, repr(p.default), p.allowed(), p.help) for name, p in PARAMS.items()]
    widths = [max(len(r[i]) for r in rows + [("parameter", "default", "allowed", "")]) for i in range(3)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(("parameter", "default", "allowed"), widths)) + "  help"]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r[:3], widths)) + "  " + r[3] for r in rows]
    return "\n".join(lines)


def describe_plan(plan) -> str:
    """What a sweep would run: the resolved space and the sweep's settings."""
    space = plan.space
    lines = [f"sweep {plan.name} (dry run: nothing started)", f"  space      {space.name}: {space.description}"]
    lines += [
        f"  trials     {plan.num_samples}, {plan.max_concurrent} at once, {plan.cpus:g} CPU + {plan.gpus:g} GPU "
        f"each; objective {plan.objective}; scheduler {plan.scheduler}; trainable {plan.trainable}",
        f"  shared searches {plan.share_reason}",
        *(
            [f"  target     {plan.target if isinstance(plan.target, str) else plan.target.describe()}"]
            if plan.target is not None
            else []
        ),
        f"  GPU time   {gpu_estimate.estimate(plan)}",
        f"  storage    {plan.storage.where(plan.name)}",
        f"  mlflow     {sweep_tracking.redact(plan.mlflow_uri)} "
        f"(experiment {plan.args.experiment}; champion registered as {plan.args.register_as})",
        "  searched:",
    ]
    lines += [f"    {key:<20} {kind} {args}" for key, spec in space.search.items() for kind, args in spec.items()]
    # deferred: loads torch/transformers/Ray; the command answers bad input before
    from trainables.config import validate_config  # noqa: PLC0415

    resolved = validate_config({**space.fixed, **{k: _first(spec) for k, spec in space.search.items()}})
    lines.append("  fixed (space, --set and defaults):")
    lines += [
        f"    {key:<20} {value!r}" + ("" if key in space.fixed else "  (default)")
        for key, value in resolved.items()
        if key not in space.search
    ]
    return "\n".join(lines)


def _first(spec: dict):
    ((kind, args),) = spec.items()
    return args[0]
