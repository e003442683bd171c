"""The answering pipeline with deterministic fakes: paths, evidence, record, cache, replay,
follow-ups. The real model is exercised in tests/integration/test_answering_real.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from belbot.answering.factory import create_answer_service
from belbot.answering.followup import is_follow_up, resolve
from belbot.answering.generator import FakeGenerator
from belbot.answering.replay import replay
from belbot.answering.service import AnswerService
from belbot.embedding.fake import FakeEmbedder
from belbot.errors import InvalidInputError
from belbot.index.builder import IndexBuilder
from belbot.settings import Settings
from belbot.store.schema import head_revision
from belbot.store.sqlite import SqliteDatabase
from belbot.store.store import ConversationStore, open_store
from belbot.store.types import AnswerNotFoundError

pytestmark = pytest.mark.unit

QUESTION = "Wat was de gemiddelde telefonische wachttijd bij BSR over 2024?"


@pytest.fixture
def settings(store_engine: str, fake_stack_settings: Settings) -> Settings:
    """The fake stack over a fresh index, once per store engine."""
    IndexBuilder(fake_stack_settings, FakeEmbedder()).build()
    return fake_stack_settings


def make(settings: Settings, generator: FakeGenerator | None = None) -> AnswerService:
    service = create_answer_service(settings, generator=generator)
    service.warm_up()
    return service


def test_generated_answer_passes_checks_and_carries_its_evidence(settings: Settings) -> None:
    answer = make(settings).ask(QUESTION)
    assert answer.path == "generated", answer.path_reason
    assert "2,44" in answer.text and "[" in answer.text
    assert answer.citations and answer.citations[0].title.startswith("Resultaten KPI")
    assert all(v.passed for v in answer.verdicts)
    assert (
        answer.retrieval and answer.index_version and answer.prompt_version.startswith("answer_v1+")
    )
    assert answer.params.temperature == 0.0 and answer.params.seed == 42
    assert answer.model.backend == "fake" and len(answer.model.sha256) == 64
    assert answer.timings.total_ms > 0


def test_invented_number_falls_back_to_the_extractive_answer(settings: Settings) -> None:
    liar = FakeGenerator(scripted=[" De gemiddelde wachttijd over 2024 was 1,5 minuut [1]."])
    answer = make(settings, liar).ask(QUESTION)
    assert answer.path == "extractive"
    assert "numbers_in_sources" in answer.path_reason
    assert answer.text.startswith("«") and "2,44" in answer.text and "1,5" not in answer.text
    failed = {v.check for v in answer.verdicts if not v.passed}
    assert "numbers_in_sources" in failed


def test_invented_source_falls_back(settings: Settings) -> None:
    liar = FakeGenerator(scripted=[" De wachttijd was 2,44 min. [1] Zie ook [6]."])
    answer = make(settings, liar).ask(QUESTION)
    assert answer.path == "extractive" and "citations_valid" in answer.path_reason
    assert "[6]" not in answer.text


def test_question_the_knowledge_base_does_not_answer_is_refused(settings: Settings) -> None:
    generator = FakeGenerator()
    answer = make(settings, generator).ask("Wat is het btw-tarief op fietsreparaties?")
    assert answer.path == "refused"
    assert answer.text.startswith("Dit staat niet in de kennisbank")
    assert answer.citations  # the closest passages are still shown
    assert generator.prompts == []  # the model was never asked


def test_a_year_missing_from_the_source_is_refused(settings: Settings) -> None:
    answer = make(settings).ask("Wat was de gemiddelde telefonische wachttijd bij BSR over 2019?")
    assert answer.path == "refused" and "2019" in answer.path_reason


def test_without_llm_the_answer_is_extractive(settings: Settings) -> None:
    settings = settings.model_copy(
        update={"answering": settings.answering.model_copy(update={"use_llm": False})}
    )
    generator = FakeGenerator()
    answer = make(settings, generator).ask(QUESTION)
    assert answer.path == "extractive" and generator.prompts == []


def test_every_answer_is_recorded_with_prompt_and_raw_output(settings: Settings) -> None:
    service = make(settings)
    answer = service.ask(QUESTION)
    stored = open_store(settings).get(answer.answer_id)
    assert stored.answer == answer
    assert "Vraag: " + QUESTION in stored.prompt and stored.raw_output.strip()
    with pytest.raises(AnswerNotFoundError):
        open_store(settings).get("bestaat-niet")


def test_store_is_migrated_once_to_the_newest_revision(settings: Settings) -> None:
    store = open_store(settings)
    store.warm_up()
    assert store.revision() == head_revision() == "0005"
    store.close()
    store.warm_up()  # migrating twice is a no-op
    assert store.revision() == "0005"


def test_sqlite_store_uses_wal(fake_settings: Settings) -> None:
    store = ConversationStore(SqliteDatabase(fake_settings.store_path))
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert "_migrations" not in store.db.tables()  # a new store is Alembic's only


def test_exact_and_near_duplicate_questions_hit_the_cache(settings: Settings) -> None:
    generator = FakeGenerator()
    service = make(settings, generator)
    first = service.ask(QUESTION)
    again = service.ask(QUESTION.upper())
    assert again.cached and again.cached_from == first.answer_id
    assert again.text == first.text and again.answer_id != first.answer_id
    near = service.ask("BSR 2024: gemiddelde wachttijd telefonische?")
    assert near.cached and near.cached_from == first.answer_id
    assert len(generator.prompts) == 1  # the model ran once
    fresh = service.ask(QUESTION, use_cache=False)
    assert not fresh.cached and len(generator.prompts) == 2


def test_cache_is_keyed_on_versions(settings: Settings) -> None:
    service = make(settings)
    service.ask(QUESTION)
    other = settings.model_copy(
        update={"answering": settings.answering.model_copy(update={"max_tokens": 64})}
    )
    assert not make(other).ask(QUESTION).cached


def test_follow_up_is_read_in_the_context_of_the_conversation(settings: Settings) -> None:
    service = make(settings)
    first = service.ask(QUESTION)
    follow = service.ask("en over 2025?", conversation_id=first.conversation_id)
    assert follow.turn == 2 and follow.conversation_id == first.conversation_id
    assert follow.resolved_query.startswith(QUESTION)
    assert "3,35" in follow.text  # the 2025 figure, not the 2024 one
    assert not follow.cached


def test_follow_up_rules() -> None:
    assert is_follow_up("en voor Webcare?") and is_follow_up("Webcare?")
    assert not is_follow_up("Wat is de streefwaarde voor de bereikbaarheid van de Webcare?")
    assert resolve("en voor Webcare?", ["Wat is de streefwaarde?"]) == (
        "Wat is de streefwaarde? en voor Webcare?",
        "en voor Webcare?",
    )
    assert resolve("en voor Webcare?", []) == ("en voor Webcare?", None)


def test_bad_questions_and_conversations_are_refused_clearly(settings: Settings) -> None:
    service = make(settings)
    with pytest.raises(InvalidInputError):
        service.ask("   ")
    with pytest.raises(InvalidInputError):
        service.ask("x" * 2001)
    with pytest.raises(InvalidInputError):
        service.ask(QUESTION, conversation_id="onbekend")
    assert open_store(settings).count_answers() == 0


def test_replay_of_a_stored_answer_is_identical(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = make(settings)
    answer = service.ask(QUESTION)
    report = replay(settings, answer.answer_id)
    assert report.identical, report.checks
    cached = service.ask(QUESTION)
    assert replay(settings, cached.answer_id).identical


def test_prompt_is_a_versioned_template(settings: Settings, tmp_path: Path) -> None:
    generator = FakeGenerator()
    make(settings, generator).ask(QUESTION)
    prompt = generator.prompts[0]
    assert prompt.count("[Einde]") == 2  # two few-shot examples
    assert "\nBronnen:\n[1] " in prompt and prompt.rstrip().endswith("Antwoord:")


class _DownGenerator(FakeGenerator):
    def stream(self, prompt: str, params: object) -> Iterator[str]:  # type: ignore[override]
        from belbot.errors import ModelUnavailableError

        raise ModelUnavailableError("Taalmodelserver onbereikbaar")
        yield ""


def test_unavailable_model_still_returns_the_quoted_sources(settings: Settings) -> None:
    answer = make(settings, _DownGenerator()).ask(QUESTION)
    assert answer.path == "extractive" and answer.path_reason.startswith("zonder samenvatting")
    assert "2,44" in answer.text and answer.citations


def test_an_answer_made_while_the_model_was_down_is_not_reused(settings: Settings) -> None:
    down = make(settings, _DownGenerator())
    first = down.ask(QUESTION)
    assert first.path_reason.startswith("zonder samenvatting")
    back = make(settings, FakeGenerator())  # same store, the model is back
    again = back.ask(QUESTION)
    assert not again.cached and again.path == "generated"
