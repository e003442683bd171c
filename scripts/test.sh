#!/usr/bin/env bash
# Install, then every check: lint, format, types, and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/hadolint Dockerfile
# A dozen questions through the real stack, compared with the committed baseline.
bash scripts/eval_smoke.sh
# Last, so its summary line closes the output.
.venv/bin/python -m pytest "$@"
