"""Checks of the sweep's own flags, made first: before any data is read, any store is touched or Ray
starts.  Each failure is one line (what is wrong, what is allowed) and exit code 2."""

from __future__ import annotations

import re
import socket
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url

from platform.usage import UsageError
from trainables.secrets import redact

PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
OPTUNA_SCHEMES = ("sqlite", "postgresql", "mysql")
CONNECT_TIMEOUT_S = 5


def check_args(args) -> None:
    for flag, value in (("--name", args.name), ("--register-as", args.register_as)):
        if value is not None and not PLAIN_NAME.fullmatch(value):
            raise UsageError(
                f"{flag} {value!r} is not a plain name: use letters, digits, '.', '_' and '-' "
                "(starting with a letter or digit, at most 100 characters)"
            )
    if not args.experiment.strip():
        raise UsageError("--experiment is empty: give the MLflow experiment's name (default earlyrobust)")
    if args.time_budget_s is not None and not args.time_budget_s > 0:
        raise UsageError(f"--time-budget-s {args.time_budget_s:g} must be a positive number of seconds")
    if not 0 <= args.seed < 2**32:
        raise UsageError(f"--seed {args.seed} must be in [0, 2**32)")
    if args.optuna_storage:
        check_optuna_storage(args.optuna_storage)
    if args.ray_address and args.ray_address not in ("auto", "local"):
        check_listening(args.ray_address, "--ray-address", 6379)


def check_optuna_storage(url: str) -> None:
    """A database URL Optuna can open: a known scheme with its driver installed, a folder that exists for
    SQLite, a server that answers for the others (no table is created here)."""
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme.split("+", 1)[0] not in OPTUNA_SCHEMES:
        raise UsageError(
            f"--optuna-storage {redact(url)!r} is not a database URL Optuna can use: "
            "give postgresql://user:password@host/db, mysql://... or sqlite:///path/study.db"
        )

    try:
        make_url(url).get_dialect()
    except Exception as exc:  # an unknown driver, or one not installed
        raise UsageError(
            f"--optuna-storage {redact(url)!r} cannot be opened ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0][:120]}): install its driver or use postgresql+psycopg://"
        ) from None
    if scheme.startswith("sqlite"):
        folder = Path(url.split(":///", 1)[-1]).parent
        if not folder.is_dir():
            raise UsageError(f"--optuna-storage {url}: folder {folder} does not exist")
    else:
        default = 3306 if scheme.startswith("mysql") else 5432
        check_listening(url, "--optuna-storage", default)


def check_listening(address: str, flag: str, default_port: int) -> None:
    """Something accepts connections at the address's host and port, within seconds (instead of a
    client that retries for minutes)."""
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    try:
        host, port = parts.hostname, parts.port or default_port
    except ValueError:
        host, port = None, None
    if not host:
        raise UsageError(f"{flag} {redact(address)!r} is not an address: give host:port (or 'auto' on a cluster)")
    try:
        socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as exc:
        raise UsageError(
            f"{flag} {redact(address)}: nothing answers at {host}:{port} ({exc.strerror or type(exc).__name__}): "
            "start it, or fix the address"
        ) from None
