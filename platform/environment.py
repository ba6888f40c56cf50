"""Process environment for a sweep: no telemetry, nothing written outside the storage path."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

QUIET = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled", "MLFLOW_DISABLE_TELEMETRY": "true",
         "TOKENIZERS_PARALLELISM": "false", "RAY_DEDUP_LOGS": "1", "RAY_AIR_NEW_OUTPUT": "0",  # our progress table
         "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false", "TUNE_WARN_EXCESSIVE_EXPERIMENT_CHECKPOINT_SYNC_THRESHOLD_S": "0", "PYTHONWARNINGS": "ignore::UserWarning"}
FORWARDED = ("MLFLOW_DISABLE_TELEMETRY", "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "PYTHONWARNINGS", "HF_HUB_OFFLINE", "EARLYROBUST_DATA_DIR", "TOKENIZERS_PARALLELISM",
             "HF_HOME", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD", "AWS_ENDPOINT_URL",
             "AWS_DEFAULT_REGION", "AWS_REGION")


def quiet_defaults() -> None:
    import logging

    for key, value in QUIET.items():
        os.environ.setdefault(key, value)
    logging.getLogger("mlflow").setLevel(logging.WARNING)  # keeps stderr to our own lines


def worker_env(tracking_uri: str) -> dict:
    """Variables every Ray worker gets (MLflow's address is passed explicitly: ray #36257)."""
    env = {k: os.environ[k] for k in FORWARDED if k in os.environ}
    env["MLFLOW_TRACKING_URI"] = tracking_uri
    return env


def ray_temp_dir(storage: Path, create: bool = False) -> Path:
    """Ray's session files live in <storage>/ray_tmp.  Unix socket paths must stay under 107 bytes,
    so a long storage path is reached through a short link /tmp/er-<hash> that points there."""
    path = storage / "ray_tmp"
    if len(str(path)) <= 40:
        return path
    link = Path("/tmp") / f"er-{hashlib.sha1(str(path).encode()).hexdigest()[:10]}"
    if create:
        path.mkdir(parents=True, exist_ok=True)
        if not link.is_symlink():
            link.symlink_to(path, target_is_directory=True)
    return link


def kill_orphans(temp_dir: Path) -> int:
    """Stop Ray processes left by a driver that died (kill -9 leaves raylet, GCS and agents running).
    Only processes whose command line names this sweep's Ray temp folder are touched."""
    import psutil

    marker, killed = str(temp_dir), 0
    for proc in psutil.process_iter(["pid", "cmdline"]):
        try:
            if proc.pid != os.getpid() and any(marker in part for part in proc.info["cmdline"] or []):
                proc.kill()
                killed += 1
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return killed
