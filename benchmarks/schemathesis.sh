#!/usr/bin/env bash
# Property-based API check: schemathesis generates requests from the OpenAPI schema and
# fails on any 5xx. The model is the deterministic fake here (the API contract is the same
# and the run stays short); index and guardrails are the real ones.
#   bash benchmarks/schemathesis.sh [MAX_EXAMPLES]
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${1:-25}
tmp=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
key=$(.venv/bin/python -c "
from pathlib import Path
from belbot.store.sqlite import SqliteDatabase
from belbot.store.store import ConversationStore
print(ConversationStore(SqliteDatabase(Path('$tmp/s.db'))).add_api_key('admin', 'schemathesis'))" | tail -n 1)
port=$(.venv/bin/python -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
BELBOT_STORE__PATH="$tmp/s.db" BELBOT_LLM__BACKEND=fake BELBOT_GUARDRAILS__USE_DEDUCE=false \
  .venv/bin/belbot serve --port "$port" >"$tmp/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.5
done
.venv/bin/schemathesis run "http://127.0.0.1:$port/openapi.json" \
  --header "Authorization: Bearer $key" --checks not_a_server_error \
  --max-examples "$examples" --exclude-path /v1/admin/reingest
