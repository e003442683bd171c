"""Process-wide switches that must be set before third-party libraries are imported.

Called by each entry point (CLI, app factory, tests); never at import time."""

from __future__ import annotations

import os

# Every library that might phone home or reach a model hub is told not to.
_OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
    "DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
    "RAGAS_DO_NOT_TRACK": "true",
    # ragas pulls in langchain: its tracing would post runs to LangSmith.
    "LANGSMITH_TRACING": "false",
    "LANGCHAIN_TRACING_V2": "false",
    "ANONYMIZED_TELEMETRY": "False",
    "SCARF_NO_ANALYTICS": "true",
    "TOKENIZERS_PARALLELISM": "false",
    # llama.cpp / OpenMP threads spin on a loaded 2-core machine without this (measured ~10x).
    "OMP_WAIT_POLICY": "PASSIVE",
}


def prepare_environment() -> None:
    for key, value in _OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
