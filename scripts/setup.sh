#!/usr/bin/env bash
# Create .venv and install the project with its pinned dependencies (torch 2.13.0 CPU wheel).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e ".[test]" 2>&1 | grep -v "is ignored: it is neither" || true
.venv/bin/python -c "import torch, ray, transformers, mlflow, optuna" || { echo "setup failed: dependencies missing in .venv" >&2; exit 1; }
