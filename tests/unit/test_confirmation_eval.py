"""`belbot eval confirmations` on the fake stack: metrics on hand-made conversations with
known outcomes, and the store report over approved confirmations with a controlled clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from belbot.answering.service import AnswerService
from belbot.confirmation.service import ConfirmationService
from belbot.evaluation.confirmation_eval import (
    ConversationCase,
    approved_report,
    edit_distance,
    evaluate_conversations,
    load_conversations,
    readability,
    summarise,
)
from belbot.settings import ConfirmationCostSettings

pytestmark = pytest.mark.unit

WAIT = "Wat was de gemiddelde telefonische wachttijd bij BSR over 2024?"
CASE = {
    "id": "c1",
    "turns": [
        {"question": "Klant met bsn 111222333 vraagt: " + WAIT, "expected": "answer",
         "key_facts": ["2,44 min"], "source": "000_f3d06f99e03346db.txt"},
        {"question": "Wat is het btw-tarief op fietsreparaties?", "expected": "refuse"},
    ],
    "must_contain": ["2,44 min"],
    "must_not_contain": ["3,35 min"],
    "pii": ["111222333"],
}  # fmt: skip


@pytest.fixture
def service(store_engine: str, fake_service: AnswerService) -> AnswerService:
    return fake_service


def drafter(service: AnswerService, clock: object = None) -> ConfirmationService:
    assert service.store is not None
    extra = {"clock": clock} if clock else {}
    return ConfirmationService(
        service.store,
        lambda: service.retriever.term_stats,
        service.support_threshold,
        **extra,  # type: ignore[arg-type]
    )


def test_known_conversation_metrics(service: AnswerService) -> None:
    thumbs_down = {**CASE, "id": "c2", "turns": [{**CASE["turns"][0], "feedback": "down"}],  # type: ignore[index]
                   "must_contain": [], "must_not_contain": ["2,44"]}  # fmt: skip
    cases = [ConversationCase.model_validate(c) for c in (CASE, thumbs_down)]
    rows = evaluate_conversations(service, drafter(service), cases)
    first, second = rows
    assert first["points"] == 1 and first["retention"] == 1.0 and first["verified_facts"] == 1
    assert first["source_transparency"] == 1.0 and first["unsupported_numbers"] == []
    assert first["pii_leaks"] == [] and first["forbidden_present"] == []
    assert first["omitted"] == ["niet opgenomen: geen antwoord uit de kennisbank"]
    assert first["readability_points"] is not None and first["generation_ms"] > 0
    assert second["points"] == 0 and second["forbidden_present"] == []
    assert second["omitted"] == ["niet opgenomen: afgewezen met duim omlaag"]
    summary = summarise(rows)
    assert summary["conversations"] == 2 and summary["points"] == 1
    assert summary["retention"] == 1.0 and summary["pii_leaks"] == 0


def test_approved_report_with_known_edits_and_times(service: AnswerService) -> None:
    now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    clock = [now]
    confirmations = drafter(service, clock=lambda: clock[0])
    answer = service.ask(WAIT)
    draft = confirmations.draft(answer.conversation_id, "anna")
    clock[0] = now + timedelta(seconds=90)
    confirmations.approve(draft.confirmation_id, draft.draft_text + "Extra.")
    costs = ConfirmationCostSettings(agent_eur_per_hour=36.0, postage_paper_eur=1.0)
    report = approved_report(confirmations.records, "2026-03-01", costs)
    assert report["approved"] == 1 and report["edit_distance_mean"] == 6.0
    assert report["seconds_to_approve_p50"] == 90.0 and report["unsupported_in_final"] == 1
    assert report["cost_per_confirmation_eur"]["agent"] == pytest.approx(0.9)
    assert report["cost_per_confirmation_eur"]["paper_total"] == pytest.approx(1.9)
    assert approved_report(confirmations.records, "2026-04-01", costs)["approved"] == 0


def test_readability_and_edit_distance() -> None:
    # Flesch-Douma: 206.835 - 0.93 * 16/2 - 77 * 28/16 = 64.6 for this text.
    text = (
        "De gemiddelde telefonische wachttijd over 2024 was 2,44 minuten. "
        "Dat is korter dan het jaar daarvoor."
    )
    assert readability(text) == pytest.approx(64.6, abs=0.1)
    assert readability("  ") is None
    assert edit_distance("kitten", "sitting") == 3


def test_malformed_conversations_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    lines = [json.dumps(CASE), "{kapot", json.dumps({"id": "x", "turns": []})]
    path.write_text("\n".join(lines), encoding="utf-8")
    cases, problems = load_conversations(path)
    assert [c.id for c in cases] == ["c1"] and len(problems) == 2
    assert problems[0].startswith("c.jsonl regel 2")
