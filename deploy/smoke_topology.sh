#!/usr/bin/env bash
# compose.yaml's topology on podman, where no Docker engine and no registry are available:
# llm1, llm2 (belbot llm-serve), api1, api2 (belbot serve --workers 2, openai-compatible over
# llm1 and llm2) and nginx with deploy/nginx.conf in front; then readiness, the request limit,
# no-store, and six questions through the proxy, counted per replica.
# Differences from compose.yaml: SQLite on a volume shared by the replicas instead of
# PostgreSQL (no postgres image without a registry), Debian's nginx 1.22 instead of the
# nginx:1.28 image, one network. Needs the image of scripts/build_image.sh.
#   bash deploy/smoke_topology.sh        # about a minute
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
IMG=${IMAGE:-localhost/belbot:dev}; BASE_IMAGE=${BASE_IMAGE:-localhost/belbot-debian-base:bookworm}
NGINX_IMG=localhost/belbot-nginx-test:bookworm; NET=belbot-smoke; VOL=belbot-smoke-data
if ! podman image exists $NGINX_IMG; then
  podman rm -f belbot-nginx-prep >/dev/null 2>&1
  podman run --name belbot-nginx-prep --runtime runc --ulimit nofile=20000:20000 \
    --ulimit nproc=1024:1024 "$BASE_IMAGE" bash -c "apt-get update -q && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx && \
    useradd --system --no-create-home nginx && rm -f /etc/nginx/sites-enabled/default" \
    >/dev/null 2>&1 || { echo "nginx image failed"; exit 1; }
  podman commit -q belbot-nginx-prep $NGINX_IMG >/dev/null && podman rm belbot-nginx-prep >/dev/null
fi
R=(--runtime runc --ulimit nofile=20000:20000 --ulimit nproc=1024:1024 --network "$NET")
cleanup() { for c in proxy api2 api1 llm2 llm1; do podman rm -f -t 5 smoke-$c >/dev/null 2>&1; done
  podman volume rm -f $VOL >/dev/null 2>&1; podman network rm -f $NET >/dev/null 2>&1; }
HDRS=$(mktemp)
cleanup; trap 'cleanup; rm -f "$HDRS"' EXIT
podman network create $NET >/dev/null
podman volume create $VOL >/dev/null
KEYENV=(-e BELBOT_LLM__API_KEY=smoke-llm-key)
for n in llm1 llm2; do
  podman run -d --name smoke-$n --network-alias $n "${R[@]}" "${KEYENV[@]}" "$IMG" llm-serve --host 0.0.0.0 --port 8081 >/dev/null 2>&1
done
API_ENV=(-e BELBOT_API__HOST=0.0.0.0 -e BELBOT_LLM__BACKEND=openai-compatible
  -e 'BELBOT_LLM__SERVER_URLS=["http://llm1:8081","http://llm2:8081"]' "${KEYENV[@]}")
wait_ready() { for i in $(seq 1 90); do
    podman exec "smoke-$1" python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$2/$3', timeout=3)" >/dev/null 2>&1 && { echo "$1 ready after ~$((i*2)) s"; return 0; }
    sleep 2; done; echo "$1 NOT ready"; podman logs "smoke-$1" 2>&1 | tail -20; return 1; }
wait_ready llm1 8081 health; wait_ready llm2 8081 health
podman run -d --name smoke-api1 --network-alias api1 "${R[@]}" "${API_ENV[@]}" -v $VOL:/var/lib/belbot "$IMG" serve --workers 2 >/dev/null 2>&1
wait_ready api1 8000 readyz
podman run -d --name smoke-api2 --network-alias api2 "${R[@]}" "${API_ENV[@]}" -v $VOL:/var/lib/belbot "$IMG" serve --workers 2 >/dev/null 2>&1
wait_ready api2 8000 readyz
podman run -d --name smoke-proxy "${R[@]}" -p 127.0.0.1:18080:8080 \
  -v "$PWD/deploy/nginx.conf:/etc/nginx/nginx.conf:ro" $NGINX_IMG nginx -g 'daemon off;' >/dev/null 2>&1
sleep 3
KEY=$( (podman logs smoke-api1; podman logs smoke-api2) 2>&1 | grep -o 'Ontwikkelsleutel[^:]*: [^ ]*' | awk '{print $NF}' | head -1)
echo "dev keys printed: $( (podman logs smoke-api1; podman logs smoke-api2) 2>&1 | grep -c Ontwikkelsleutel)"
echo "--- via proxy 127.0.0.1:18080"
failures=0
expect() { # what, got, want
  if [ "$2" = "$3" ]; then echo "ok   $1: $2"; else echo "FOUT $1: $2 (verwacht $3)"; failures=$((failures + 1)); fi; }
P=http://127.0.0.1:18080
expect "GET /readyz" "$(curl -s -o /dev/null -w '%{http_code}' $P/readyz)" 200
expect "GET /metrics (alleen per replica)" "$(curl -s -o /dev/null -w '%{http_code}' $P/metrics)" 404
expect "POST van 100 KB" "$(head -c 100000 /dev/zero | tr '\0' a | curl -s -o /dev/null \
  -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary @- $P/v1/ask)" 413
expect "Cache-Control op /readyz" "$(curl -s -D - -o /dev/null $P/readyz | grep -i '^cache-control' | tr -d '\r')" "Cache-Control: no-store"
QS=("Wat was de gemiddelde telefonische wachttijd bij BSR over 2024?"
  "Hoeveel klanten belden de BelastingTelefoon in 2024?"
  "Wat is de bereikbaarheid van de BelastingTelefoon?"
  "Wat was de gemiddelde telefonische wachttijd bij BSR over 2023?"
  "Hoe tevreden waren bellers over de BelastingTelefoon?"
  "Wat is de wachttijd bij de BelastingTelefoon?")
for q in "${QS[@]}"; do
  curl -s -X POST $P/v1/ask -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
    -d "$(python3 -c 'import json,sys; print(json.dumps({"question": sys.argv[1]}))' "$q")" \
    -D "$HDRS" | python3 deploy/smoke_answer.py || failures=$((failures + 1))
  grep -qi "^cache-control: no-store" "$HDRS" || { echo "FOUT geen no-store"; failures=$((failures + 1)); }
done
generated=0
for c in api1 api2; do
  answers=$(podman logs smoke-$c 2>&1 | grep -c '"answer.returned"')
  gen=$(podman logs smoke-$c 2>&1 | grep -c '"generation.done"')
  generated=$((generated + gen))
  echo "$c: $answers antwoorden, $gen via de taalmodelservers"
  [ "$answers" -gt 0 ] || { echo "FOUT $c kreeg geen verzoeken"; failures=$((failures + 1)); }
done
[ "$generated" -gt 0 ] || { echo "FOUT geen enkele generatie via llm1/llm2"; failures=$((failures + 1)); }
echo "$failures fouten"
[ "$failures" -eq 0 ]
