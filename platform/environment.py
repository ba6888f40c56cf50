"""Process environment for a sweep: no telemetry, nothing written outside the storage path."""
from __future__ import annotations

import os
from pathlib import Path

QUIET = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled", "MLFLOW_DISABLE_TELEMETRY": "true",
         "TOKENIZERS_PARALLELISM": "false", "RAY_DEDUP_LOGS": "1",
         "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false", "TUNE_WARN_EXCESSIVE_EXPERIMENT_CHECKPOINT_SYNC_THRESHOLD_S": "0", "PYTHONWARNINGS": "ignore::UserWarning"}
FORWARDED = ("MLFLOW_DISABLE_TELEMETRY", "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "PYTHONWARNINGS", "HF_HUB_OFFLINE", "EARLYROBUST_DATA_DIR", "TOKENIZERS_PARALLELISM",
             "HF_HOME", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD")


def quiet_defaults() -> None:
    for key, value in QUIET.items():
        os.environ.setdefault(key, value)


def worker_env(tracking_uri: str) -> dict:
    """Variables every Ray worker gets (MLflow's address is passed explicitly: ray #36257)."""
    env = {k: os.environ[k] for k in FORWARDED if k in os.environ}
    env["MLFLOW_TRACKING_URI"] = tracking_uri
    return env


def ray_temp_dir(storage: Path) -> Path:
    """Ray's session files under the storage path; Unix socket paths must stay under 107 bytes."""
    path = storage / "ray_tmp"
    if len(str(path)) > 60:
        raise ValueError(f"--storage-path {storage} is too long for Ray's socket files "
                         "(keep it under 50 characters, e.g. ./sweeps)")
    return path
