"""Checks against the running Ray cluster, made before any MLflow run or sweep folder exists.

A trial must fit on one node.  On an autoscaling cluster (`ray up ray_cluster.yaml`: a head that runs
no trials, worker types at `min_workers: 0`) no node may be up yet, so the request is checked against
the node types the autoscaler can launch, read from its config: $EARLYROBUST_AUTOSCALER_CONFIG, the
`--autoscaling-config` of this cluster's autoscaler process on this machine (the head, where `ray
submit` runs the driver), or `~/ray_bootstrap_config.yaml`.  Only what no node type can ever hold is
refused; otherwise the trials wait, and Ray's autoscaler adds the nodes they ask for.
"""

from __future__ import annotations

import os
from pathlib import Path

import psutil
import ray
import yaml

from platform.usage import UsageError

MONITOR = "autoscaler/_private/monitor.py"


def autoscaler_config(gcs_address: str) -> dict | None:
    """The autoscaling config of the cluster at `gcs_address`, or None for a cluster without one."""
    candidates = [os.environ.get("EARLYROBUST_AUTOSCALER_CONFIG", "")]
    port = gcs_address.rsplit(":", 1)[-1]
    for proc in psutil.process_iter(["cmdline"]):
        args = proc.info["cmdline"] or []
        if any(MONITOR in a for a in args) and any(
            a.startswith("--gcs-address=") and a.endswith(f":{port}") for a in args
        ):
            candidates += [a.split("=", 1)[1] for a in args if a.startswith("--autoscaling-config=")]
    candidates.append(str(Path.home() / "ray_bootstrap_config.yaml"))
    for path in filter(None, candidates):
        try:
            return yaml.safe_load(Path(path).expanduser().read_text())
        except (OSError, yaml.YAMLError):
            continue
    return None


def node_types(config: dict) -> dict[str, dict]:
    """Node types the autoscaler can run trials on: name -> resources (the head's own type included)."""
    head = config.get("head_node_type")
    return {
        name: spec.get("resources", {})
        for name, spec in config.get("available_node_types", {}).items()
        if name == head or spec.get("max_workers", config.get("max_workers", 0)) > 0
    }


def _fits(resources: dict, need: dict) -> bool:
    return all(resources.get(k, 0) >= v for k, v in need.items() if v > 0)


def _shown(resources: dict) -> str:
    return "{" + ", ".join(f"{k}: {resources.get(k, 0):g}" for k in ("CPU", "GPU")) + "}"


def check_resources(plan) -> None:
    need = {"CPU": plan.cpus, "GPU": plan.gpus}
    asked = f"--cpus-per-trial {plan.cpus:g} --gpus-per-trial {plan.gpus:g}"
    alive = [n.get("Resources", {}) for n in ray.nodes() if n.get("Alive")]
    if any(_fits(r, need) for r in alive):
        return
    config = autoscaler_config(ray._private.worker.global_worker.node.gcs_address) if plan.args.ray_address else None
    if config is None:
        biggest = max(alive, key=lambda r: (r.get("GPU", 0), r.get("CPU", 0)), default={})
        raise UsageError(
            f"{asked} but no node of the Ray cluster has that much (the largest has {_shown(biggest)}) "
            "and it has no autoscaler: ask for less, or add nodes"
        )
    types = node_types(config)
    launchable = [name for name, resources in types.items() if _fits(resources, need)]
    if not launchable:
        listed = ", ".join(f"{name} {_shown(r)}" for name, r in types.items())
        raise UsageError(
            f"{asked} but no node type of this cluster's autoscaler can hold a trial ({listed}): "
            "ask for less, or add a node type to the cluster config"
        )
    print(
        f"no node can run a trial yet: waiting for the autoscaler to start one ({' or '.join(launchable)})", flush=True
    )


def trials_stay_here(need: dict) -> bool:
    """True when every trial must run on the driver's own node: the cluster is that one node and it
    can run a trial (a head that declares no CPUs, as on an autoscaling cluster, cannot)."""
    nodes = [n for n in ray.nodes() if n.get("Alive")]
    here = ray.get_runtime_context().get_node_id()
    if len(nodes) != 1 or nodes[0]["NodeID"] != here:
        return False
    return _fits(nodes[0].get("Resources", {}), need)


def check_storage(plan) -> None:
    if plan.storage.shared or trials_stay_here({"CPU": plan.cpus, "GPU": plan.gpus}):
        return
    raise UsageError(
        f"--storage-path {plan.storage.location} is a folder on this machine, but trials run on other "
        "nodes of this Ray cluster: give a location every node reaches, s3://bucket/prefix (gs://..., "
        "or file:///mnt/shared/path for a network filesystem mounted on every node)"
    )
