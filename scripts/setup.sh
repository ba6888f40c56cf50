#!/usr/bin/env bash
# Create .venv and install the project with its pinned dependencies (torch 2.13.0 CPU wheel).
# --test also installs the test tools: pytest, Debian's chromium (MLflow UI browser test),
# postgresql (the cluster's MLflow server + Optuna store, run on loopback by the tests) and
# TextAttack 0.3.11 for the attack cross-check (without its dependencies, which pin an old
# transformers: only the light ones it imports; see benchmarks/attack_crosscheck.py).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
extras=""
if [ "${1:-}" = "--test" ]; then
  extras="[test]"
  missing=""
  command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
  if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing) >/dev/null 2>&1 \
        || echo "setup: could not install$missing; the tests that need them will be skipped" >&2
    else
      echo "setup: install Debian's$missing (sudo apt-get install$missing) to run every test" >&2
    fi
  fi
fi
.venv/bin/python -m pip install -q -e ".${extras}" 2>&1 | grep -vE "is ignored: it is neither|^\s*$" || true
if [ -n "$extras" ]; then
  .venv/bin/python -m pip install -q --no-deps textattack==0.3.11 editdistance lemminflect lru-dict nltk \
    terminaltables word2number num2words more-itertools pinyin jieba OpenHowNet Levenshtein language_tool_python \
    docopt langdetect anytree psutil toml bert-score 2>&1 | grep -vE "is ignored: it is neither|^\s*$" || true
fi
.venv/bin/python -c "import torch, ray, transformers, mlflow, optuna" \
  || { echo "setup: dependencies are missing in .venv (see the pip output above)" >&2; exit 1; }
