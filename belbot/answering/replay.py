"""Replay a stored answer: the same question and conversation history, against the same index
version, model and settings. For the in-process backend the output must be bit-identical."""

from __future__ import annotations

from dataclasses import dataclass, field

from belbot.answering.factory import create_answer_service
from belbot.errors import BelbotError
from belbot.settings import AnsweringSettings, RetrievalSettings, Settings
from belbot.store.sqlite import SqliteStore


@dataclass
class ReplayReport:
    answer_id: str
    identical: bool
    checks: dict[str, bool] = field(default_factory=dict)
    original_text: str = ""
    replayed_text: str = ""


def replay(settings: Settings, answer_id: str) -> ReplayReport:
    store = SqliteStore(settings.store_path)
    stored = store.get(answer_id)
    original = stored.answer
    if original.cached_from:  # a cache hit replays the answer it reused
        stored = store.get(original.cached_from)
        original = stored.answer
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
    store.close()
    return ReplayReport(answer_id, all(checks.values()), checks, original.text, answer.text)
