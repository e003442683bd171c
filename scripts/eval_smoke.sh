#!/usr/bin/env bash
# The smoke evaluation CI runs after the tests: a dozen questions of all three kinds through the
# real stack (index, GGUF, guardrails, the ragas judge on one item per set), compared with the
# committed baseline of the shipped configuration. Exit 1 when a metric dropped past tolerance.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${EVAL_SMOKE_OUT:-var/eval-smoke}
export BELBOT_LOG__LEVEL=${BELBOT_LOG__LEVEL:-WARNING}
.venv/bin/belbot ingest >/dev/null
.venv/bin/belbot eval run --testset eval/testsets/smoke.jsonl --out "$out" --ragas-per-set 1 \
  >/dev/null
.venv/bin/belbot eval compare eval/baseline/smoke "$out" --tolerance "${EVAL_SMOKE_TOLERANCE:-0.05}"
