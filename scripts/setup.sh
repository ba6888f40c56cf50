#!/usr/bin/env bash
# Create .venv and install the project with its pinned dependencies (torch 2.13.0 CPU wheel).
# --test also installs the test tools: pytest, and Debian's chromium for the MLflow UI browser test.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
extras=""
if [ "${1:-}" = "--test" ]; then
  extras="[test]"
  if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
        || echo "setup: chromium could not be installed; the browser test will be skipped" >&2
    else
      echo "setup: install Debian's chromium (sudo apt-get install chromium) to run the browser test" >&2
    fi
  fi
fi
.venv/bin/python -m pip install -q -e ".${extras}" 2>&1 | grep -vE "is ignored: it is neither|^\s*$" || true
.venv/bin/python -c "import torch, ray, transformers, mlflow, optuna" \
  || { echo "setup: dependencies are missing in .venv (see the pip output above)" >&2; exit 1; }
