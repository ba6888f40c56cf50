"""An autoscaling cluster on this machine: Ray's fake multi-node provider, a head that runs no trials
(0 CPUs) and one worker type at `min_workers: 0` that declares a GPU, as `ray up ray_cluster.yaml`
starts one.  The sweep submits two trials of half a GPU and two CPUs each although no node can run a
trial yet; the autoscaler starts two workers and the trials finish one on each.  A request no node type can hold is
refused before anything exists.  The head runs on its own port and temp folder, and is stopped by
its processes (never `ray stop`, which would stop every Ray on the machine)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from mlflow.tracking import MlflowClient

from platform.environment import kill_orphans
from sweep_helpers import child_runs, free_port, short_dir, sweep, sweep_state

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
HEAD = "f" * 51 + "00000"  # the fake provider's head node id
BLANK = {
    key: []
    for key in (
        "cluster_synced_files",
        "rsync_exclude",
        "rsync_filter",
        "initialization_commands",
        "setup_commands",
        "head_setup_commands",
        "worker_setup_commands",
        "head_start_ray_commands",
        "worker_start_ray_commands",
    )
}


@pytest.fixture(scope="module")
def cluster():
    folder, port = short_dir(), free_port()
    config = {
        "cluster_name": "fake",
        "max_workers": 2,
        "upscaling_speed": 1.0,
        "idle_timeout_minutes": 5,
        "provider": {
            "type": "fake_multinode",
            "gcs_address": f"127.0.0.1:{port}",
            # the fake nodes share this machine's address, and have nothing to set up
            "use_node_id_as_ip": True,
            "disable_node_updaters": True,
            "disable_launch_config_check": True,
        },
        "auth": {"ssh_user": "ubuntu"},
        "head_node_type": "ray.head.default",
        "available_node_types": {
            "ray.head.default": {"resources": {"CPU": 0}, "node_config": {}, "max_workers": 0},
            "gpu_worker": {"resources": {"CPU": 2, "GPU": 1}, "node_config": {}, "min_workers": 0, "max_workers": 2},
        },
        "file_mounts": {},
        "file_mounts_sync_continuously": False,
        **BLANK,
    }
    (folder / "autoscaler.yaml").write_text(yaml.safe_dump(config))
    temp = folder / "ray"
    env = dict(os.environ, RAY_FAKE_CLUSTER="1", CUDA_VISIBLE_DEVICES="", HF_HUB_OFFLINE="1")
    # the id the provider expects; no CUDA_VISIBLE_DEVICES: the autoscaler refuses a GPU node hidden by it
    head_env = {k: v for k, v in env.items() if k != "CUDA_VISIBLE_DEVICES"}
    head_env.update(RAY_OVERRIDE_NODE_ID_FOR_TESTING=HEAD, RAY_CLOUD_INSTANCE_ID=HEAD)
    started = subprocess.run(
        [
            str(BIN / "ray"),
            "start",
            "--head",
            "--num-cpus",
            "0",
            "--port",
            str(port),
            "--node-ip-address",
            "127.0.0.1",
            "--temp-dir",
            str(temp),
            "--include-dashboard",
            "false",
            "--disable-usage-stats",
            "--dashboard-agent-listen-port",
            str(free_port()),
            "--metrics-export-port",
            str(free_port()),
            "--autoscaling-config",
            str(folder / "autoscaler.yaml"),
        ],
        env=head_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    try:
        assert started.returncode == 0, started.stderr[-2000:]
        yield {"folder": folder, "address": f"127.0.0.1:{port}", "env": env}
    finally:
        kill_orphans(temp)  # the head's and the launched workers' processes all name this folder


def run(cluster, name, *extra):
    folder = cluster["folder"]
    return sweep(
        [
            "--space",
            "smoke",
            "--name",
            name,
            "--ray-address",
            cluster["address"],
            "--storage-path",
            f"file://{folder / 's'}",
            *extra,
        ],
        folder,
        env=cluster["env"],
    )


def test_a_request_no_node_type_can_hold_is_refused_before_anything_exists(cluster):
    done = run(cluster, "toolarge", "--gpus-per-trial", "2")
    assert done.returncode == 2, done.stderr[-3000:]
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(
        "sweep: error: --cpus-per-trial 1 --gpus-per-trial 2 but no node type of this cluster's "
        "autoscaler can hold a trial ("
    ) and line.endswith("): ask for less, or add a node type to the cluster config")
    assert "gpu_worker {CPU: 2, GPU: 1}" in line and "ray.head.default {CPU: 0, GPU: 0}" in line
    assert not (cluster["folder"] / "s" / "toolarge").exists(), "no sweep folder"
    client = MlflowClient(f"sqlite:///{cluster['folder'] / 'mlflow.db'}")
    assert not client.search_runs([e.experiment_id for e in client.search_experiments()]), "no MLflow run"


def test_the_autoscaler_starts_gpu_workers_and_fractional_trials_land_on_both(cluster):
    done = run(
        cluster,
        "scaled",
        "--gpus-per-trial",
        "0.5",
        "--cpus-per-trial",
        "2",
        "--num-samples",
        "2",
        "--max-concurrent",
        "2",
        "--time-budget-s",
        "500",
        "--set",
        "ft_epochs=1",
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "waiting for the autoscaler to start one (gpu_worker)" in done.stdout
    client = MlflowClient(f"sqlite:///{cluster['folder'] / 'mlflow.db'}")
    runs = child_runs(client, sweep_state(cluster["folder"], "scaled")["parent_run_id"])
    assert len(runs) == 2 and all(r.info.status == "FINISHED" and "aua" in r.data.metrics for r in runs)
    nodes = {r.data.tags["ray_node_id"] for r in runs}
    assert HEAD not in nodes, "no trial ran on the head (0 CPUs)"
    assert len(nodes) == 2, "one trial fits a worker (2 CPUs): the other runs on the second"
    assert client.get_model_version_by_alias("earlyrobust-ticket", "champion")
