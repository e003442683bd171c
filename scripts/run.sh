#!/usr/bin/env bash
# Install, ingest the default corpus if it changed, then serve the API and the side panel
# on 127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
.venv/bin/belbot ingest
exec .venv/bin/belbot serve
