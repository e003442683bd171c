#!/usr/bin/env bash
# Load and capacity runs on this machine (loopback only). Not part of `make test`: a full suite
# takes about an hour on 2 cores. Results: eval/reports/load/ (runs/*.json, raw/*.csv,
# results.json, results.md); then `belbot bench capacity` reads results.json.
#
#   bash scripts/load_test.sh                 # everything below
#   bash scripts/load_test.sh fake            # API with the fake LLM: 50, 200, 500 agents
#   bash scripts/load_test.sh llm             # tokens/s of one llama.cpp server
#   bash scripts/load_test.sh real "10 20 30" # real stack, two LLM servers, step the agents
#   bash scripts/load_test.sh overload        # LLM servers stopped / one killed mid-run
#   bash scripts/load_test.sh report          # results.json + results.md from the runs
#
# Environment: DURATION (s, default 300), SCALE (time scale, default 1.0), REAL_SCALE
# (default 1.0), WORKERS (API workers for the failure run, default 2).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
RUN=("$PY" benchmarks/load/run_load.py)
DURATION=${DURATION:-300}
SCALE=${SCALE:-1.0}
REAL_SCALE=${REAL_SCALE:-1.0}
WORKERS=${WORKERS:-2}

if ! "$PY" -c "import locust" 2>/dev/null; then
    echo "Locust ontbreekt: .venv/bin/pip install -e '.[load]'" >&2
    exit 1
fi

fake() {
    for agents in 50 200 500; do
        "${RUN[@]}" run --name "$(printf 'fake-%03d' "$agents")" --llm fake --agents "$agents" \
            --duration "$DURATION" --time-scale "$SCALE"
    done
}

llm() {
    "${RUN[@]}" llm-bench --requests 40 --threads 2 --servers 1 2
}

real() {
    local steps=${1:-"10 20 30 40 80"}
    for agents in $steps; do
        "${RUN[@]}" run --name "$(printf 'real-%03d' "$agents")" --llm real --llm-servers 2 \
            --agents "$agents" --duration "$DURATION" --time-scale "$REAL_SCALE"
    done
}

overload() {
    local agents=${1:-20}
    # Both LLM servers killed after 120 s: answers must come back flagged "zonder samenvatting".
    "${RUN[@]}" run --name overload-stop-llm --llm real --llm-servers 2 --agents "$agents" \
        --duration 240 --time-scale "$REAL_SCALE" --stop-llm-at 120
    # One LLM server and one API worker killed: only in-flight requests may fail, and the
    # feedback that got 201 must all be stored.
    "${RUN[@]}" run --name failure-kill-one --llm real --llm-servers 2 --agents "$agents" \
        --workers "$WORKERS" --duration 240 --time-scale "$REAL_SCALE" \
        --kill-llm-at 90 --kill-worker-at 150
}

report() {
    "${RUN[@]}" report
}

case "${1:-all}" in
    fake) fake ;;
    llm) llm ;;
    real) real "${2:-10 20 30 40 80}" ;;
    overload) overload "${2:-20}" ;;
    report) report ;;
    all) fake; llm; real; overload; report ;;
    *) echo "onbekend: $1 (fake | llm | real | overload | report | all)" >&2; exit 2 ;;
esac
