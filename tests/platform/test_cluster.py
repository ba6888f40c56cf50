"""The cluster path on one machine: a simulated two-node Ray cluster with fake GPUs, and
`platform/sweep.py` run as a script, as `ray submit` runs it."""
import os
import subprocess
import sys

import pytest
from mlflow.tracking import MlflowClient

from sweep_helpers import ROOT, child_runs, short_dir, sweep, sweep_state

pytestmark = pytest.mark.slow


def test_fractional_gpu_trials_land_on_both_nodes_of_a_two_node_cluster():
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 2, "num_gpus": 2})
    cluster.add_node(num_cpus=2, num_gpus=2)
    cluster.wait_for_nodes()
    try:
        folder = short_dir()
        done = sweep(["--space", "smoke", "--name", "nodes", "--num-samples", "4", "--max-concurrent", "4",
                      "--cpus-per-trial", "1", "--gpus-per-trial", "0.5", "--ray-address", cluster.address,
                      "--time-budget-s", "400", "--set", "ft_epochs=1",
                      "--storage-path", f"file://{folder / 's'}"], folder,  # both nodes see this disk: shared
                     env=dict(os.environ, CUDA_VISIBLE_DEVICES=""))
        assert done.returncode == 0, done.stderr[-3000:]
        client = MlflowClient(f"sqlite:///{folder / 'mlflow.db'}")
        runs = child_runs(client, sweep_state(folder, "nodes")["parent_run_id"])
        assert len(runs) == 4 and all(r.info.status == "FINISHED" for r in runs)
        nodes = {r.data.tags["ray_node_id"] for r in runs}
        assert len(nodes) == 2, "two trials fit a node (2 CPUs): the others must run on the second node"
        assert nodes == {n.node_id for n in cluster.list_all_nodes()}
    finally:
        cluster.shutdown()


def test_sweep_py_run_as_a_script_re_runs_itself_as_the_module(tmp_path):
    """`ray submit` copies platform/sweep.py alone and runs `python ~/sweep.py`."""
    script = tmp_path / "sweep.py"
    script.write_text((ROOT / "platform" / "sweep.py").read_text())
    done = subprocess.run([sys.executable, str(script), "--space", "nope"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env=dict(os.environ, EARLYROBUST_REPO=str(ROOT)))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "sweep: error: search space 'nope' is unknown: use one of agnews-bert-base, imdb-bert-base, quick, smoke, "
        "sst2-bert-base, ticket-sizes or a path to a YAML file"]
    lost = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          env={k: v for k, v in os.environ.items() if k != "EARLYROBUST_REPO"} | {"HOME": str(tmp_path)})
    assert lost.returncode == 2 and "cannot find the repository (set EARLYROBUST_REPO" in lost.stderr
