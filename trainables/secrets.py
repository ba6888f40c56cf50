"""Passwords stay out of everything the platform writes.

A URI given with a password (`--mlflow-uri`, `--optuna-storage`) is kept whole only in the
driver's memory and in environment variables (`MLFLOW_TRACKING_URI`, `EARLYROBUST_OPTUNA_STORAGE`;
Ray hands the first to its workers).  What is saved, pickled, logged or printed holds the redacted
form, and whoever needs to connect resolves the redacted form back from the environment.
"""
from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

MLFLOW_ENV = "MLFLOW_TRACKING_URI"
OPTUNA_ENV = "EARLYROBUST_OPTUNA_STORAGE"
SECRET_ARGS = {"mlflow_uri": MLFLOW_ENV, "optuna_storage": OPTUNA_ENV}  # sweep flags saved redacted


def redact(uri: str) -> str:
    """The URI with any password replaced by ***, for anything written, logged or printed."""
    try:
        parts = urlsplit(uri)
        password = parts.password
    except ValueError:
        return uri
    if password is None:
        return uri
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def has_secret(uri: str | None) -> bool:
    return bool(uri) and redact(uri) != uri


def resolve(uri: str, env: str) -> str:
    """The whole URI behind a redacted one, from the environment variable `env` when it holds that URI."""
    whole = os.environ.get(env, "")
    return whole if whole and redact(whole) == uri else uri
