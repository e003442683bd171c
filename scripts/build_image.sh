#!/usr/bin/env bash
# Build the BelBot image with podman (no Docker engine, no image registry), start it, ask one
# question and check the answer's sources, then stop and remove the container.
# Not part of the default test run: the first build takes 15-25 minutes on 2 cores (most of
# it compiling llama-cpp-python); an unchanged tree rebuilds from the layer cache in seconds.
#
#   bash scripts/build_image.sh            # IMAGE=localhost/belbot:dev PORT=18000 by default
#   KEEP=1 bash scripts/build_image.sh     # leave the container running afterwards
#
# Logs: build/image/build.log (the build), build/image/run.log (the container's output).
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-localhost/belbot:dev}
BASE_IMAGE=${BASE_IMAGE:-localhost/belbot-debian-base:bookworm}
PORT=${PORT:-18000}
NAME=${NAME:-belbot-image-check}
QUESTION=${QUESTION:-"Wat was de gemiddelde telefonische wachttijd bij BSR over 2024?"}
READY_TIMEOUT_S=${READY_TIMEOUT_S:-300}
OUT=build/image
mkdir -p "$OUT" build/wheels

say() { printf '\n== %s\n' "$*"; }
# Host-side helpers run on the host's Python; none of them needs the project's venv.
PY=${PY:-python3}

# --- 0. The deployment description is consistent with the Dockerfile and the settings. ----
# It loads the settings tree and the CLI, so it runs on the project's venv.
say "compose.yaml en deploy/nginx.conf controleren"
if [ -x .venv/bin/python ]; then
  .venv/bin/python deploy/check_compose.py
else
  echo "overgeslagen: geen .venv (bash scripts/install.sh maakt hem)"
fi

# --- 1. Tools (idempotent). ----------------------------------------------------------------
missing=()
for tool in podman buildah debootstrap runc; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installeren: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
fi

# --- 2. A local base image: Debian bookworm (minbase) plus Debian's python3. ----------------
# Production builds use the official python:3.11-slim-bookworm (the Dockerfile's default);
# without a registry we make an equivalent base ourselves. Cached: skipped when it exists.
if podman image exists "$BASE_IMAGE"; then
  say "basisimage $BASE_IMAGE bestaat al"
else
  say "basisimage $BASE_IMAGE maken (debootstrap, ongeveer 2 minuten)"
  mirror=${DEBIAN_MIRROR:-$(grep -hoE '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' \
    /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list \
    2>/dev/null | head -n1 | awk '{print $2}' || true)}
  mirror=${mirror:-http://deb.debian.org/debian}
  rootfs=$(mktemp -d /var/tmp/belbot-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"' EXIT
  debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
    bookworm "$rootfs" "$mirror" >"$OUT/debootstrap.log" 2>&1 \
    || { tail -20 "$OUT/debootstrap.log"; exit 1; }
  cat >"$rootfs/etc/apt/sources.list" <<EOF
deb ${mirror%/} bookworm main
deb ${mirror%/} bookworm-updates main
deb ${mirror%/}-security bookworm-security main
EOF
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | podman import \
    --change 'ENV LANG=C.UTF-8' --change 'CMD ["/bin/bash"]' - "$BASE_IMAGE" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
fi

# --- 3. The CPU build of torch into the build context (build/wheels/, gitignored). ---------
# PyPI's default torch is a CUDA build of several GB; this machine has the CPU wheel on disk.
torch_pin=$(grep -oE '"torch==[^"]+"' pyproject.toml | tr -d '"')
if ! ls build/wheels/torch-"${torch_pin#torch==}"*.whl >/dev/null 2>&1; then
  say "$torch_pin (CPU) naar build/wheels/"
  pip_py=.venv/bin/python
  [ -x "$pip_py" ] || pip_py=$PY
  "$pip_py" -m pip download -q --no-deps --only-binary=:all: -d build/wheels "$torch_pin"
fi
ls build/wheels/

# --- 4. Build. ------------------------------------------------------------------------------
# The egress here re-signs TLS with its own CA: pass it as the extra CA (pip and apt use it).
extra_ca=""
for crt in ${EXTRA_CA_FILES:-/usr/local/share/ca-certificates/*.crt}; do
  [ -f "$crt" ] && extra_ca+="$(cat "$crt")"$'\n'
done
say "podman build ($IMAGE, basis $BASE_IMAGE); log: $OUT/build.log"
build_start=$(date +%s)
set +e
podman build --isolation chroot --format docker \
  --build-arg BASE_IMAGE="$BASE_IMAGE" \
  --build-arg EXTRA_CA_CERT="$extra_ca" \
  -t "$IMAGE" . >"$OUT/build.log" 2>&1
rc=$?
set -e
build_s=$(($(date +%s) - build_start))
grep -E '^(STEP|--> Using cache|COMMIT)' "$OUT/build.log" | sed 's/^/  /' | cut -c1-150
if [ $rc -ne 0 ]; then
  tail -40 "$OUT/build.log"
  echo "BUILD MISLUKT na ${build_s} s" >&2
  exit $rc
fi
size=$(podman image inspect --format '{{.Size}}' "$IMAGE")

# --- 5. Run, wait for /readyz. ---------------------------------------------------------------
podman rm -f "$NAME" >/dev/null 2>&1 || true
cleanup() {
  podman logs "$NAME" >"$OUT/run.log" 2>&1 || true
  if [ -z "${KEEP:-}" ]; then podman rm -f "$NAME" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
say "podman run ($NAME op 127.0.0.1:$PORT)"
run_start=$(date +%s)
# Without systemd podman cannot schedule the HEALTHCHECK's timer (it says so on stderr,
# filtered here); `podman healthcheck run` below runs the check itself.
podman run -d --name "$NAME" --runtime runc \
  --ulimit nofile=20000:20000 --ulimit nproc=1024:1024 \
  -p "127.0.0.1:$PORT:8000" "$IMAGE" >/dev/null 2> >(grep -v 'systemd connection' >&2)

BASE_URL="http://127.0.0.1:$PORT" QUESTION="$QUESTION" READY_TIMEOUT_S="$READY_TIMEOUT_S" \
  CONTAINER="$NAME" "$PY" - <<'EOF' | tee "$OUT/transcript.txt"
import json, os, re, subprocess, sys, time, urllib.error, urllib.request

base, container = os.environ["BASE_URL"], os.environ["CONTAINER"]
deadline = time.monotonic() + float(os.environ["READY_TIMEOUT_S"])
start = time.monotonic()


def get(path, headers=None, data=None):
    req = urllib.request.Request(base + path, data=data, headers=headers or {})
    with urllib.request.urlopen(req, timeout=120) as resp:
        return resp.status, json.loads(resp.read())


while True:
    try:
        status, ready = get("/readyz")
        break
    except (urllib.error.URLError, ConnectionError, OSError) as exc:
        state = subprocess.run(["podman", "inspect", "-f", "{{.State.Status}}", container],
                               capture_output=True, text=True).stdout.strip()
        if state not in ("running", "created") or time.monotonic() > deadline:
            print(f"readyz: niet bereikt ({exc}); container {state}")
            sys.exit(1)
        time.sleep(2)
print(f"readyz: {status} na {time.monotonic() - start:.0f} s: {json.dumps(ready)}")

# The development key: printed once on stderr at first start (only its hash is stored).
logs = subprocess.run(["podman", "logs", container], capture_output=True, text=True)
match = re.search(r"Ontwikkelsleutel[^:]*: (\S+)", logs.stdout + logs.stderr)
if not match:
    print("geen ontwikkelsleutel in de containerlog")
    sys.exit(1)
key = match.group(1)
print(f"API-sleutel: uit de containerlog ({key[:6]}..., rol admin)")

question = os.environ["QUESTION"]
t0 = time.monotonic()
status, answer = get(
    "/v1/ask",
    {"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    json.dumps({"question": question}).encode(),
)
seconds = time.monotonic() - t0
print(f"vraag: {question}")
print(f"POST /v1/ask: {status} in {seconds:.1f} s, pad {answer['path']} ({answer['path_reason']})")
print(f"antwoord: {answer['text']}")
for c in answer["citations"]:
    print(f"  [{c['marker']}] {c['title']} ({c['file_name']}, {c['section']}, "
          f"regels {c['line_start']}-{c.get('line_end', '?')})")
if not answer["citations"]:
    print("FOUT: het antwoord heeft geen bronnen")
    sys.exit(1)
print(f"bronnen: {len(answer['citations'])}")
EOF

say "container-controles"
health=$(podman healthcheck run "$NAME" >/dev/null 2>&1 && echo healthy || echo unhealthy)
echo "HEALTHCHECK (/readyz, python urllib): $health"
echo "gebruiker in de container: $(podman exec "$NAME" id -un) (uid $(podman exec "$NAME" id -u))"
secret_env=$(podman image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$IMAGE" \
  | grep -iE 'password|secret|token|api_key|store__url' || true)
echo "geheimen in de image-omgeving: ${secret_env:-geen}"
[ -z "$secret_env" ]
echo "luistert op: $(podman exec "$NAME" printenv BELBOT_API__HOST):8000 in de container," \
  "gepubliceerd op 127.0.0.1:$PORT"
run_s=$(($(date +%s) - run_start))
[ "$health" = healthy ]

say "samenvatting"
echo "image:      $IMAGE (basis $BASE_IMAGE)"
echo "grootte:    $size bytes ($((size / 1024 / 1024)) MiB)"
echo "bouwtijd:   ${build_s} s"
echo "starttijd tot en met antwoord: ${run_s} s"
echo "transcript: $OUT/transcript.txt, containerlog: $OUT/run.log"
