"""A cluster whose nodes share no filesystem, on this one machine.

S3-compatible storage (moto) and an MLflow server on loopback; a Ray head that runs no trials
(`--num-cpus 0`, as on the AWS cluster); worker nodes started in their own mount namespace
(`unshare -m`), where the test's folder (the driver's local files), `../shared` and the Hugging Face
cache are hidden under empty tmpfs mounts.  A worker node keeps the code, as a cluster node does.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pyarrow.fs as pafs
import pytest
from mlflow.tracking import MlflowClient

from node_failure import kill_namespace, namespace, wait_for
from platform.environment import kill_orphans
from sweep_helpers import ROOT, child_runs, free_port, mlflow_server

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
SHARED = ROOT.parent / "shared"
HF_CACHE = Path.home() / ".cache" / "huggingface"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if os.geteuid() != 0 or subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode != 0:
        pytest.fail("this test needs root and `unshare -m` (mount namespaces) to give a node its own filesystem")
    folder = tmp_path_factory.mktemp("nofs")
    port = free_port()
    env = dict(
        os.environ,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}",
        HF_HUB_OFFLINE="1",
        CUDA_VISIBLE_DEVICES="",
        RAY_USAGE_STATS_ENABLED="0",
        RAY_AUTH_MODE="disabled",
        MLFLOW_DISABLE_TELEMETRY="true",
    )
    moto = subprocess.Popen(
        [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    procs, head_tmp = [moto], None
    try:
        wait_for(lambda: _up(f"http://127.0.0.1:{port}"), 60, "the S3 server on loopback to answer")
        s3 = pafs.S3FileSystem(
            endpoint_override=f"127.0.0.1:{port}",
            scheme="http",
            access_key="testing",
            secret_key="testing",
            region="us-east-1",
            allow_bucket_creation=True,
        )
        s3.create_dir("sweeps")
        ray_port = free_port()
        head_tmp = Path(f"/tmp/erh-{ray_port}")
        subprocess.run(
            [
                str(BIN / "ray"),
                "start",
                "--head",
                "--num-cpus",
                "0",
                "--port",
                str(ray_port),
                "--node-ip-address",
                "127.0.0.1",
                "--temp-dir",
                str(head_tmp),
                "--include-dashboard",
                "false",
                "--disable-usage-stats",
                "--object-store-memory",
                str(300 * 2**20),
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        with mlflow_server(
            f"sqlite:///{folder / 'mlflow.db'}", "--artifacts-destination", str(folder / "artifacts")
        ) as url:
            yield {
                "folder": folder,
                "env": env,
                "s3": s3,
                "address": f"127.0.0.1:{ray_port}",
                "mlflow": url,
                "procs": procs,
            }
    finally:
        for proc in procs[1:]:
            kill_namespace(proc.ns) if getattr(proc, "ns", None) else None
        if head_tmp is not None:  # the head by its own temp folder: `ray stop` would stop every Ray here
            kill_orphans(head_tmp)
        os.killpg(moto.pid, signal.SIGKILL)


def _up(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2)
        return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def start_worker(cluster, name: str) -> subprocess.Popen:
    """A Ray worker node with 2 CPUs in its own mount namespace: the driver's folder, ../shared and the
    Hugging Face cache are empty there."""
    hidden = [cluster["folder"], SHARED, HF_CACHE]
    mounts = " && ".join(f"mkdir -p {p} && mount -t tmpfs tmpfs {p}" for p in hidden)
    temp = f"/tmp/erw-{name}-{os.getpid()}"
    cmd = (
        f"{mounts} && exec {BIN / 'ray'} start --address {cluster['address']} --node-ip-address 127.0.0.1 "
        f"--num-cpus 2 --temp-dir {temp} "
        f"--object-store-memory {300 * 2**20} --disable-usage-stats --block"
    )
    proc = subprocess.Popen(
        ["unshare", "-m", "--propagation", "private", "bash", "-c", cmd],
        env=cluster["env"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_for(lambda: namespace(proc.pid) != namespace(os.getpid()), 30, "the worker's namespace")
    proc.ns = namespace(proc.pid)
    cluster["procs"].append(proc)
    known = cluster.setdefault("known", set())
    joined = wait_for(
        lambda: [n["id"] for n in nodes(cluster) if n["alive"] and n["cpu"] > 0 and n["id"] not in known],
        180,
        f"worker {name} to join",
    )
    known.update(joined)
    return proc


def nodes(cluster) -> list[dict]:
    code = (
        "import json, ray; ray.init(address=%r, logging_level='ERROR'); "
        "print(json.dumps([{'id': n['NodeID'], 'cpu': n['Resources'].get('CPU', 0), 'alive': n['Alive']} "
        "for n in ray.nodes()]))"
    ) % cluster["address"]
    done = subprocess.run([sys.executable, "-c", code], env=cluster["env"], capture_output=True, text=True, timeout=120)
    return json.loads(done.stdout.strip().splitlines()[-1])


def sweep_cmd(cluster, name: str, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "platform.sweep",
        "--space",
        "smoke",
        "--name",
        name,
        "--ray-address",
        cluster["address"],
        "--mlflow-uri",
        cluster["mlflow"],
        *extra,
    ]


def bucket_files(cluster, prefix: str) -> list[str]:
    infos = cluster["s3"].get_file_info(pafs.FileSelector(prefix, allow_not_found=True, recursive=True))
    return [i.path for i in infos if i.type == pafs.FileType.File]


def test_a_sweep_survives_a_node_loss_on_a_cluster_that_shares_no_filesystem(cluster):
    first = start_worker(cluster, "a")
    cwd = cluster["folder"] / "driver"
    cwd.mkdir()
    driver = subprocess.Popen(
        sweep_cmd(
            cluster,
            "nofs",
            "--storage-path",
            "s3://sweeps/runs",
            "--num-samples",
            "2",
            "--max-concurrent",
            "2",
            "--set",
            "ft_epochs=4",
        ),
        cwd=ROOT,
        env=cluster["env"],
        stdout=open(cwd / "out.log", "w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        # both trials checkpointed into the bucket (searched, fine-tuning under way): the node dies
        def checkpointed():
            trials = {
                p.split("/")[3]
                for p in bucket_files(cluster, "sweeps/runs/nofs")
                if "/checkpoint_" in p and p.endswith("state.json")
            }
            return len(trials) == 2

        wait_for(checkpointed, 600, "both trials' checkpoints in the bucket")
        assert kill_namespace(first.ns) > 0
        start_worker(cluster, "b")
        assert driver.wait(timeout=900) == 0, (cwd / "out.log").read_text()[-4000:]
    finally:
        if driver.poll() is None:
            os.killpg(driver.pid, signal.SIGKILL)
    out = (cwd / "out.log").read_text()
    client = MlflowClient(cluster["mlflow"])
    parent = json.loads(cluster["s3"].open_input_stream("sweeps/runs/nofs/sweep.json").read())["parent_run_id"]
    runs = child_runs(client, parent)
    assert len(runs) == 2 and len({r.data.tags["ray_trial_id"] for r in runs}) == 2, "one run a trial, none lost"
    assert all(r.info.status == "FINISHED" and "aua" in r.data.metrics for r in runs), out[-3000:]
    worker_ids = {n["id"] for n in nodes(cluster) if n["cpu"] > 0}
    assert {r.data.tags["ray_node_id"] for r in runs} <= worker_ids, "no trial ran on the head (it has no CPUs)"
    resumed = [r for r in runs if int(r.data.tags["attempts"]) > 1]
    assert resumed, "the node loss interrupted at least one trial, which was retried"
    second = {n["id"] for n in nodes(cluster) if n["cpu"] > 0 and n["alive"]}
    for run in resumed:  # resumed from its checkpoint in the bucket: the search was not run again
        checks = client.get_metric_history(run.info.run_id, "search_epoch")
        assert len(checks) == len({m.step for m in checks}) and len({m.value for m in checks}) == len(checks)
        assert run.data.tags["ray_node_id"] in second, "the retry ran on the node that joined after the loss"
        epochs = sorted({m.value for m in client.get_metric_history(run.info.run_id, "ft_epoch")})
        assert epochs == [1, 2, 3, 4], "every fine-tune epoch reported once the retry finished"
    files = bucket_files(cluster, "sweeps/runs/nofs")
    assert any(p.endswith("/sweep.json") for p in files) and any(p.endswith("/summary.md") for p in files)
    finals = [p for p in files if p.endswith("ticket_model/model.safetensors")]
    assert len(finals) == 2, "each finished trial keeps its ticket model in the bucket"
    assert not [p for p in files if p.endswith("optimizer.safetensors")], "no resume state is left once trials finish"
    assert client.get_model_version_by_alias("earlyrobust-ticket", "champion").version == "1"
    assert "champion: trial" in out

    # --resume as from another machine: nothing of the first driver's local files, only the bucket
    # and the MLflow server are shared
    shutil.rmtree(ROOT / ".earlyrobust", ignore_errors=True)
    again = subprocess.run(
        sweep_cmd(cluster, "nofs", "--storage-path", "s3://sweeps/runs", "--resume"),
        cwd=ROOT,
        env=cluster["env"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert again.returncode == 0, again.stderr[-3000:]
    assert len(child_runs(client, parent)) == 2, "a resumed finished sweep runs nothing twice"
    assert "report: attacking" not in again.stdout, "the front was reported on already: read back, not redone"


@pytest.mark.parametrize(
    "extra, message",
    [
        (
            ["--storage-path", "{local}"],
            "is a folder on this machine, but trials run on other nodes of this Ray cluster: "
            "give a location every node reaches, s3://bucket/prefix",
        ),
        (
            ["--storage-path", "s3://sweeps/runs", "--cpus-per-trial", "8"],
            "--cpus-per-trial 8 --gpus-per-trial 0 but no node of the Ray cluster has that much",
        ),
    ],
)
def test_unusable_settings_are_refused_before_anything_is_created(cluster, extra, message):
    if not any(n["alive"] and n["cpu"] > 0 for n in nodes(cluster)):
        start_worker(cluster, "c")
    local = cluster["folder"] / "local"
    client = MlflowClient(cluster["mlflow"])
    before = len(client.search_runs([e.experiment_id for e in client.search_experiments()] or ["0"]))
    done = subprocess.run(
        sweep_cmd(cluster, "refused", *[a.format(local=local) for a in extra]),
        cwd=ROOT,
        env=cluster["env"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr[-3000:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sweep: error: ") and message in lines[0], done.stderr[-2000:]
    assert not (local / "refused").exists() and not bucket_files(cluster, "sweeps/runs/refused")
    assert len(client.search_runs([e.experiment_id for e in client.search_experiments()] or ["0"])) == before
