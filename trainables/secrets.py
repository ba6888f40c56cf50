"""Passwords stay out of everything the platform writes.

A URI given with a password (`--mlflow-uri`, `--optuna-storage`) is kept whole only in the
driver's memory and in environment variables (`MLFLOW_TRACKING_URI`, `EARLYROBUST_OPTUNA_STORAGE`;
Ray hands the first to its workers).  What is saved, pickled, logged or printed holds the redacted
form, and whoever needs to connect resolves the redacted form back from the environment.
"""

from __future__ import annotations

import os
import re

MLFLOW_ENV = "MLFLOW_TRACKING_URI"
OPTUNA_ENV = "EARLYROBUST_OPTUNA_STORAGE"
SECRET_ARGS = {"mlflow_uri": MLFLOW_ENV, "optuna_storage": OPTUNA_ENV}  # sweep flags saved redacted


# schemes whose user name is an account, not a credential (only its password is secret)
ACCOUNT_SCHEMES = ("postgresql", "postgres", "mysql", "mariadb", "mssql", "oracle", "sqlite")
# query parameters that carry a credential (`?password=`, `?token=`, S3's presigned `X-Amz-Signature`)
SECRET_QUERY = re.compile(
    r"(?i)([?&;](?:[\w.-]*(?:password|passwd|pwd|token|secret|signature|credential|"
    r"access_?key|api_?key|auth)[\w.-]*)=)[^&;#]*"
)


def redact(uri: str) -> str:
    """The URI with its credentials replaced by ***, for anything written, logged or printed: a
    password, a user name that is a credential (`https://TOKEN@host`, `s3://KEY:SECRET@bucket`:
    everywhere but a database account), and query parameters such as `?password=`."""
    if not isinstance(uri, str) or "://" not in uri:
        return uri
    scheme, rest = uri.split("://", 1)
    at = rest.rfind("@", 0, min((i for i in (rest.find("?"), rest.find("#")) if i >= 0), default=len(rest)))
    if at >= 0:  # the last @ before the query: a password may hold '/' (or an unescaped '@')
        user, colon, _ = rest[:at].partition(":")
        if scheme.split("+", 1)[0].lower() in ACCOUNT_SCHEMES:
            userinfo = f"{user}:***" if colon else user
        else:
            userinfo = "***"
        rest = f"{userinfo}@{rest[at + 1 :]}"
    return SECRET_QUERY.sub(r"\1***", f"{scheme}://{rest}")


def has_secret(uri: str | None) -> bool:
    return bool(uri) and redact(uri) != uri


def resolve(uri: str, env: str) -> str:
    """The whole URI behind a redacted one, from the environment variable `env` when it holds that URI."""
    whole = os.environ.get(env, "")
    return whole if whole and redact(whole) == uri else uri
