#!/usr/bin/env bash
# Install, ingest the default corpus if it changed, then run the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
.venv/bin/belbot ingest
.venv/bin/belbot search "Wat is de streefwaarde voor de bereikbaarheid van de BelastingTelefoon?"
