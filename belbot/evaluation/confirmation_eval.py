"""`belbot eval confirmations`: conversations from a test set through the real pipeline, a
confirmation drafted for each, measured as the committee asks; and, from the store, what agents
did with approved confirmations (edit distance, time to check and rewrite, cost).

Readability is the Flesch-Douma score for Dutch, 206.835 - 0.93 x (words per sentence)
- 77 x (syllables per word), computed by textstat 0.7.13 with language "nl" (syllables by its
pyphen hyphenation dictionary). Higher is easier; 60-70 is plain language for most adults."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from belbot.answering.numbers import numbers_in
from belbot.answering.service import AnswerService
from belbot.confirmation.service import ConfirmationService
from belbot.confirmation.types import Confirmation
from belbot.errors import InvalidInputError
from belbot.evaluation.answer_eval import fact_present
from belbot.evaluation.stats import mean_of, percentile
from belbot.evaluation.testset import first_line, read_records
from belbot.settings import DEFAULT_WATTS_PER_CORE, ConfirmationCostSettings
from belbot.store.confirmations import ConfirmationStore

FEEDBACK_AGENT = "evaluatie"


class Turn(BaseModel):
    question: str = Field(min_length=1)
    expected: str = "answer"
    key_facts: list[str] = Field(default_factory=list)
    source: str = ""
    feedback: str | None = None


class ConversationCase(BaseModel):
    id: str
    turns: list[Turn] = Field(min_length=1, max_length=4)
    must_contain: list[str] = Field(default_factory=list)
    must_not_contain: list[str] = Field(default_factory=list)
    pii: list[str] = Field(default_factory=list)


def load_conversations(path: Path) -> tuple[list[ConversationCase], list[str]]:
    cases: list[ConversationCase] = []
    problems: list[str] = []
    for number, case in read_records(path, ConversationCase):
        if isinstance(case, ValueError):
            problems.append(f"{path.name} regel {number}: {first_line(case)}")
        else:
            cases.append(case)
    return cases, problems


def readability(text: str) -> float | None:
    import textstat

    if not text.strip():
        return None
    textstat.set_lang("nl")
    return round(float(textstat.flesch_reading_ease(text)), 1)


def _points_text(confirmation: Confirmation) -> str:
    return " ".join(point.text for point in confirmation.points)


def measure(
    case: ConversationCase,
    confirmation: Confirmation,
    shown_answers: list[str],
    transparency: float | None,
) -> dict[str, Any]:
    """Metrics of one drafted confirmation. Retention counts only the facts the conversation's
    accepted answers actually contained: a fact the answering missed cannot be confirmed."""
    text = confirmation.draft_text
    accepted = " ".join(shown_answers)
    verified = [f for f in case.must_contain if fact_present(f, accepted)]
    passages = " ".join(note.passage for note in confirmation.notes)
    points = _points_text(confirmation)
    record = confirmation.model_dump_json()
    return {
        "id": case.id,
        "turns": len(case.turns),
        "points": len(confirmation.points),
        "omitted": [o.reason for o in confirmation.omitted],
        "source_transparency": transparency,
        "retention": (
            sum(fact_present(f, text) for f in verified) / len(verified) if verified else None
        ),
        "verified_facts": len(verified),
        "must_contain_recall": (
            sum(fact_present(f, text) for f in case.must_contain) / len(case.must_contain)
            if case.must_contain
            else None
        ),
        "forbidden_present": [f for f in case.must_not_contain if f in points],
        "unsupported_numbers": sorted(numbers_in(points) - numbers_in(passages)),
        "pii_leaks": [value for value in case.pii if value in record],
        "chars": len(text),
        "words": len(text.split()),
        "readability_points": readability(points),
        "readability_letter": readability(text),
        "generation_ms": confirmation.generation_ms,
        "draft_text": text,
    }


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    times = [float(r["generation_ms"]) for r in rows]
    return {
        "conversations": len(rows),
        "points": sum(r["points"] for r in rows),
        "source_transparency": mean_of([r["source_transparency"] for r in rows]),
        "retention": mean_of([r["retention"] for r in rows]),
        "must_contain_recall": mean_of([r["must_contain_recall"] for r in rows]),
        "forbidden_present": sum(len(r["forbidden_present"]) for r in rows),
        "unsupported_numbers": sum(len(r["unsupported_numbers"]) for r in rows),
        "pii_leaks": sum(len(r["pii_leaks"]) for r in rows),
        "words_mean": mean_of([r["words"] for r in rows]),
        "readability_points_mean": mean_of([r["readability_points"] for r in rows]),
        "readability_letter_mean": mean_of([r["readability_letter"] for r in rows]),
        "generation_ms_p50": percentile(times, 50, 1),
        "generation_ms_p95": percentile(times, 95, 1),
    }


def evaluate_conversations(
    service: AnswerService,
    confirmations: ConfirmationService,
    cases: list[ConversationCase],
    progress: Callable[[], None] | None = None,
) -> list[dict[str, Any]]:
    store = service.store
    if store is None:
        raise InvalidInputError("De evaluatie van bevestigingen heeft een gespreksopslag nodig.")
    rows = []
    for case in cases:
        conversation_id = store.new_conversation(FEEDBACK_AGENT)
        shown: list[str] = []
        for turn in case.turns:
            answer = service.ask(turn.question, conversation_id=conversation_id, use_cache=False)
            if turn.feedback == "down":
                store.save_feedback(answer.answer_id, FEEDBACK_AGENT, "down", "onjuist", None)
            elif answer.path != "refused":
                shown.append(answer.text)
        confirmation = confirmations.draft(conversation_id, FEEDBACK_AGENT)
        check = confirmations.check(confirmation, confirmation.draft_text)
        transparency = 1 - len(check.unsupported) / check.checked if check.checked else None
        rows.append(measure(case, confirmation, shown, transparency))
        if progress:
            progress()
    return rows


def edit_distance(draft: str, final: str) -> int:
    from rapidfuzz.distance import Levenshtein

    return int(Levenshtein.distance(draft, final))


def approved_report(
    records: ConfirmationStore,
    since: str,
    costs: ConfirmationCostSettings,
    watts_per_core: float = DEFAULT_WATTS_PER_CORE,
) -> dict[str, Any]:
    """What agents did with the confirmations they approved since ``since``, and the cost per
    confirmation under the stated assumptions."""
    approved = records.approved_since(since)
    distances = [edit_distance(c.draft_text, c.final_text or c.draft_text) for c in approved]
    seconds = [float(c.seconds_to_approve or 0.0) for c in approved]
    generation_wh = [c.generation_ms / 1000 * watts_per_core / 3600 for c in approved]
    agent_eur = [s / 3600 * costs.agent_eur_per_hour for s in seconds]
    mean_agent = statistics.fmean(agent_eur) if agent_eur else None
    return {
        "since": since,
        "approved": len(approved),
        "edit_distance_mean": mean_of([float(d) for d in distances]),
        "edit_distance_p50": percentile([float(d) for d in distances], 50, 1),
        "edit_share_mean": mean_of(
            [d / max(1, len(c.draft_text)) for d, c in zip(distances, approved, strict=True)]
        ),
        "unsupported_in_final": sum(len(c.unsupported_in_final) for c in approved),
        "seconds_to_approve_p50": percentile(seconds, 50, 1),
        "seconds_to_approve_p95": percentile(seconds, 95, 1),
        "cost_per_confirmation_eur": {
            "agent": round(mean_agent, 4) if mean_agent is not None else None,
            "digital_total": (
                round(mean_agent + costs.postage_digital_eur, 4) if mean_agent is not None else None
            ),
            "paper_total": (
                round(mean_agent + costs.postage_paper_eur, 4) if mean_agent is not None else None
            ),
            "energy_wh_mean": mean_of(generation_wh),
        },
        "assumptions": {**costs.model_dump(), "watts_per_core": watts_per_core},
    }
