"""Process environment for a sweep: no telemetry, nothing written outside the storage path."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

import psutil

from platform.usage import UsageError
from trainables.secrets import has_secret

QUIET = {
    "RAY_USAGE_STATS_ENABLED": "0",
    "RAY_AUTH_MODE": "disabled",
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "TOKENIZERS_PARALLELISM": "false",
    "RAY_DEDUP_LOGS": "1",
    "RAY_AIR_NEW_OUTPUT": "0",  # our progress table
    "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false",
    "MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT": "true",  # its run URLs would print a tracking URI's credentials
    "TUNE_WARN_EXCESSIVE_EXPERIMENT_CHECKPOINT_SYNC_THRESHOLD_S": "0",
    "PYTHONWARNINGS": "ignore::UserWarning",
}
FORWARDED = (
    "MLFLOW_DISABLE_TELEMETRY",
    "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR",
    "MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT",
    "PYTHONWARNINGS",
    "HF_HUB_OFFLINE",
    "EARLYROBUST_DATA_DIR",
    "TOKENIZERS_PARALLELISM",
    "HF_HOME",
    "MLFLOW_TRACKING_USERNAME",
    "AWS_ENDPOINT_URL",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
)
# handed over through Ray's object store, never in a runtime_env (Ray's runtime_env agent logs it to disk)
SECRET = ("MLFLOW_TRACKING_PASSWORD", "MLFLOW_TRACKING_TOKEN")


def quiet_defaults() -> None:
    for key, value in QUIET.items():
        os.environ.setdefault(key, value)
    logging.getLogger("mlflow").setLevel(logging.WARNING)  # keeps stderr to our own lines


def worker_env(tracking_uri: str) -> tuple[dict, dict]:
    """Variables every Ray worker gets (MLflow's address is passed explicitly: ray #36257): those Ray's
    runtime_env may carry, and the secret ones (a password, in a variable or in the URI), which the
    trials and report tasks set themselves from their inputs (`trainables/data/provided.py`)."""
    plain = {k: os.environ[k] for k in FORWARDED if k in os.environ}
    secret = {k: os.environ[k] for k in SECRET if k in os.environ}
    (secret if has_secret(tracking_uri) else plain)["MLFLOW_TRACKING_URI"] = tracking_uri
    return plain, secret


def ray_temp_dir(local: Path, sweep: str, create: bool = False) -> Path:
    """Each sweep's own Ray session files: <storage>/ray_tmp/<sweep>, so that stopping one sweep's
    processes never touches another's.  Unix socket paths must stay under 107 bytes, so a long path
    is reached through a short link /tmp/er-<hash> that points there -- used only if it is this user's
    and points there (a stale or planted link in the world-writable /tmp is replaced, or refused)."""
    path = (local / "ray_tmp" / sweep).absolute()
    if create:
        path.mkdir(parents=True, exist_ok=True)
    if len(str(path)) <= 40:
        return path
    link = Path("/tmp") / f"er-{hashlib.sha1(str(path).encode()).hexdigest()[:10]}"
    if _is_link_to(link, path):
        return link
    if not create:
        return path  # no link of ours: the sweep's processes name the folder itself, if anything
    if link.is_symlink() and link.lstat().st_uid == os.getuid():
        link.unlink()  # ours, but stale: it points elsewhere
    elif os.path.lexists(link):
        raise UsageError(
            f"{link} (the short path to this sweep's Ray folder {path}) exists and is not this user's "
            "link to it: remove it, or choose a shorter --storage-path"
        )
    link.symlink_to(path, target_is_directory=True)
    return link


def _is_link_to(link: Path, target: Path) -> bool:
    try:
        return link.is_symlink() and link.lstat().st_uid == os.getuid() and os.readlink(link) == str(target)
    except OSError:
        return False


def _driver_file(local: Path, sweep: str) -> Path:
    return local / "ray_tmp" / f"{sweep}.driver.json"


def claim_driver(local: Path, sweep: str) -> None:
    """Record that this process drives `sweep` (read by `running_driver` on --resume)."""
    me = psutil.Process()
    path = _driver_file(local, sweep)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"pid": me.pid, "started": me.create_time()}))


def running_driver(local: Path, sweep: str) -> int | None:
    """The pid of a live driver of `sweep` on this machine, if any (the same pid and start time)."""
    try:
        record = json.loads(_driver_file(local, sweep).read_text())
        proc = psutil.Process(record["pid"])
        alive = (
            proc.pid != os.getpid()
            and abs(proc.create_time() - record["started"]) < 1e-3
            and proc.status() != psutil.STATUS_ZOMBIE
        )
    except (OSError, ValueError, KeyError, psutil.Error):
        return None
    return proc.pid if alive else None


def _names(part: str, folder: str) -> bool:
    """Whether a command-line argument names `folder` itself or something inside it (not a sibling
    whose name starts the same)."""
    at = part.find(folder)
    return at >= 0 and part[at + len(folder) : at + len(folder) + 1] in ("", "/", " ", ",")


def kill_orphans(temp_dir: Path, ray_root: Path | None = None) -> int:
    """Stop Ray processes left by a driver that died (kill -9 leaves raylet, GCS and agents running).
    Only this user's Ray processes -- programs or scripts of the Ray installation (`ray_root`, default
    the installed package) -- whose command line names this sweep's own Ray temp folder are touched;
    anything else that names the folder (`tail -f .../raylet.out`) is left alone."""
    if ray_root is None:
        import ray  # noqa: PLC0415 deferred: Ray takes seconds to load; bad input is answered before it

        ray_root = Path(ray.__file__).parent
    root = str(Path(ray_root).resolve()) + "/"
    markers, killed = {str(temp_dir), str(temp_dir.resolve())}, 0
    for proc in psutil.process_iter(["pid", "cmdline", "uids"]):
        try:
            cmdline = proc.info["cmdline"] or []
            program = [p for p in cmdline[:3] if p.startswith("/")]  # the executable, or python's script
            ours = proc.info["uids"] is not None and proc.info["uids"].real == os.getuid()
            is_ray = any(os.path.realpath(p).startswith(root) for p in program)
            if (
                proc.pid != os.getpid()
                and ours
                and is_ray
                and any(_names(part, m) for part in cmdline for m in markers)
            ):
                proc.kill()
                killed += 1
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return killed
