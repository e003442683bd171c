"""Wiring of the answering service from settings: the edges (CLI, API, eval) call this."""

from __future__ import annotations

from belbot.answering.generator import FakeGenerator, Generator
from belbot.answering.service import AnswerService
from belbot.guardrails.pipeline import GuardrailPipeline
from belbot.retrieval.service import open_retriever
from belbot.settings import LLMSettings, Settings
from belbot.store.store import open_store
from belbot.tagging.classifier import create_tagger


def create_generator(settings: LLMSettings) -> Generator:
    if settings.backend == "fake":
        return FakeGenerator()
    if settings.backend == "openai-compatible":
        # Only the HTTP client: a worker with this backend never loads llama.cpp or a GGUF.
        from belbot.answering.http_backend import OpenAICompatibleGenerator, PoolOptions

        options = PoolOptions(
            parallel=settings.server_parallel,
            connect_timeout_s=settings.connect_timeout_s,
            read_timeout_s=settings.read_timeout_s,
            slot_wait_s=settings.slot_wait_s,
            health_path=settings.health_path,
            health_timeout_s=settings.health_timeout_s,
            cooldown_s=settings.cooldown_s,
        )
        return OpenAICompatibleGenerator(
            settings.urls, settings.server_model, settings.api_key, settings.timeout_s, options
        )
    from belbot.answering.llama_backend import LlamaCppGenerator

    return LlamaCppGenerator(settings.gguf_path, n_ctx=settings.n_ctx, threads=settings.threads)


def create_guardrails(settings: Settings) -> GuardrailPipeline | None:
    if not settings.guardrails.enabled:
        return None
    return GuardrailPipeline.default(
        settings.guardrails.policy_file, use_deduce=settings.guardrails.use_deduce
    )


def create_answer_service(
    settings: Settings,
    index_version: str | None = None,
    generator: Generator | None = None,
    with_store: bool = True,
    guardrails: GuardrailPipeline | bool | None = True,
) -> AnswerService:
    """``guardrails``: True builds them from settings; a pipeline is shared (its Dutch name
    model takes seconds to load); None or False runs without (tests of the core only)."""
    retriever = open_retriever(settings, index_version, warm=False)
    store = open_store(settings) if with_store else None
    pipeline = create_guardrails(settings) if guardrails is True else guardrails or None
    # The tagger shares the retriever's (memoised) embedder: the question is embedded once.
    tagger = create_tagger(settings, retriever.embedder) if settings.tagging.enabled else None
    return AnswerService(
        retriever,
        generator or create_generator(settings.llm),
        settings.answering,
        store,
        pipeline,
        tagger,
    )
