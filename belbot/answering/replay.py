"""Replay a stored answer: the same question and conversation history, against the same index
version, model and settings. For the in-process backend the output must be bit-identical."""

from __future__ import annotations

from dataclasses import dataclass, field

from belbot.answering.factory import create_answer_service
from belbot.answering.service import AnswerService
from belbot.answering.types import Answer
from belbot.errors import BelbotError
from belbot.settings import AnsweringSettings, RetrievalSettings, Settings
from belbot.store.store import ConversationStore, open_store
from belbot.store.types import StoredAnswer


@dataclass
class ReplayReport:
    answer_id: str
    identical: bool
    checks: dict[str, bool] = field(default_factory=dict)
    original_text: str = ""
    replayed_text: str = ""


def _same_setup(service: AnswerService, original: Answer) -> bool:
    """Can the running service replay this answer: same index, model, prompt and settings?"""
    return (
        service.retriever.index.version_id == original.index_version
        and service.model_info.sha256 == original.model.sha256
        and service.prompt_version == original.prompt_version
        and service.config() == original.config
    )


def replay(
    settings: Settings,
    answer_id: str,
    store: ConversationStore | None = None,
    running: AnswerService | None = None,
) -> ReplayReport:
    """``running``: the service already loaded (the API), used when its setup is the
    original's; otherwise a service is built for the original's index version and settings.
    The caller holds the model (one question at a time) while this runs."""
    own_store = store is None
    store = store or open_store(settings)
    try:
        stored = store.get(answer_id)
        if stored.answer.cached_from:  # a cache hit replays the answer it reused
            stored = store.get(stored.answer.cached_from)
    finally:
        if own_store:
            store.close()
    original = stored.answer
    if running is not None and _same_setup(running, original):
        return _compare(running, stored, answer_id)
    config = original.config
    replay_settings = settings.model_copy(
        update={
            "answering": AnsweringSettings.model_validate(config.get("answering", {})),
            "retrieval": RetrievalSettings.model_validate(config.get("retrieval", {})),
        }
    )
    service = create_answer_service(
        replay_settings, index_version=original.index_version, with_store=False
    )
    if service.model_info.sha256 != original.model.sha256:
        raise BelbotError(
            f"Ander taalmodel dan bij het oorspronkelijke antwoord ({original.model.model_id})."
        )
    return _compare(service, stored, answer_id)


def _compare(service: AnswerService, stored: StoredAnswer, answer_id: str) -> ReplayReport:
    original = stored.answer
    if original.path_class == "blocked":
        return _compare_guardrails(service, original, answer_id)
    answer, prompt, raw = service.rerun(original.question, stored.history)
    checks = {
        "same_index_version": answer.index_version == original.index_version,
        "same_prompt_version": answer.prompt_version == original.prompt_version,
        "same_retrieval": [r.chunk_id for r in answer.retrieval]
        == [r.chunk_id for r in original.retrieval],
        "same_prompt": prompt == stored.prompt,
        "same_raw_output": raw == stored.raw_output,
        "same_text": answer.text == original.text,
        "same_path": answer.path == original.path,
        "same_citations": answer.cited_markers() == original.cited_markers(),
    }
    return ReplayReport(answer_id, all(checks.values()), checks, original.text, answer.text)


def _compare_guardrails(service: AnswerService, original: Answer, answer_id: str) -> ReplayReport:
    """A blocked question never reached retrieval: replay is the guardrails' decision on the
    stored (redacted) question, which is all that was kept of it."""
    if service.guardrails is None:
        raise BelbotError(
            "Deze dienst draait zonder guardrails; een blokkade is niet na te spelen."
        )
    inspection = service.guardrails.inspect_input(original.question)
    text = inspection.message if inspection.decision != "allow" else ""
    checks = {
        "same_policy_version": service.guardrails.policy_version == original.policy_version,
        "same_decision": original.path_reason.endswith(inspection.category or "-"),
        "same_text": text == original.text,
    }
    return ReplayReport(answer_id, all(checks.values()), checks, original.text, text)
