"""Checks against the running Ray cluster, made before any MLflow run or sweep folder exists."""
from __future__ import annotations

from platform.errors import UsageError


def check_resources(plan) -> None:
    import ray

    total = ray.cluster_resources()
    if plan.gpus > total.get("GPU", 0):
        raise UsageError(f"--gpus-per-trial {plan.gpus:g} but the Ray cluster has {total.get('GPU', 0):g} GPUs: "
                         "ask for fewer, or add GPU nodes")
    if plan.cpus > total.get("CPU", 0):
        raise UsageError(f"--cpus-per-trial {plan.cpus:g} but the Ray cluster has {total.get('CPU', 0):g} CPUs: "
                         "ask for fewer, or add nodes")


def trials_stay_here(need: dict) -> bool:
    """True when every trial must run on the driver's own node: the cluster is that one node and it
    can run a trial (a head that declares no CPUs, as on an autoscaling cluster, cannot)."""
    import ray

    nodes = [n for n in ray.nodes() if n.get("Alive")]
    here = ray.get_runtime_context().get_node_id()
    if len(nodes) != 1 or nodes[0]["NodeID"] != here:
        return False
    resources = nodes[0].get("Resources", {})
    return all(resources.get(k, 0) >= v for k, v in need.items() if v > 0)


def check_storage(plan) -> None:
    if plan.storage.shared or trials_stay_here({"CPU": plan.cpus, "GPU": plan.gpus}):
        return
    raise UsageError(f"--storage-path {plan.storage.location} is a folder on this machine, but trials run on other "
                     "nodes of this Ray cluster: give a location every node reaches, s3://bucket/prefix (gs://..., "
                     "or file:///mnt/shared/path for a network filesystem mounted on every node)")
