"""The model manifest matches the weights the installed packages ship."""

from __future__ import annotations

import json

import pytest

from belbot.modelfiles import GGUF_DIR, model_entries
from belbot.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration


def test_manifest_is_current() -> None:
    committed = json.loads((PROJECT_ROOT / "models" / "manifest.json").read_text())
    assert committed == [entry.model_dump() for entry in model_entries()]


def test_gguf_assembled_inside_the_project() -> None:
    from belbot.embedding.files import file_sha256

    gguf = GGUF_DIR / "gemma-3-270m-q4_k_m.gguf"
    assert gguf.is_file(), "scripts/install.sh assembles it"
    expected = next(e.sha256 for e in model_entries() if e.role == "LLM")
    assert file_sha256(gguf) == expected
