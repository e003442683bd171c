"""Request and response bodies of the HTTP API: one schema per direction."""

from __future__ import annotations

from datetime import date
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from belbot.answering.service import MAX_QUESTION_CHARS

FeedbackReason = Literal[
    "onjuist", "onvolledig", "niet relevant", "bron klopt niet", "onduidelijk", "anders"
]
EscalationTarget = Literal["collega", "specialist"]
EscalationReason = Literal[
    "vraag valt buiten de kennisbank",
    "persoonlijke situatie te complex",
    "beller is ontevreden",
    "vermoeden van fraude",
    "technisch probleem",
    "anders",
]
ESCALATION_TARGET_LABELS = {"collega": "Collega", "specialist": "Specialistische desk"}
EventKind = Literal["answer_shown", "source_opened", "answer_copied", "conversation_ended"]


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    conversation_id: str | None = Field(default=None, max_length=64)
    record: bool = Field(
        default=True,
        description="False starts a conversation of which only counters are kept "
        "(the caller objected to recording). Ignored when continuing a conversation.",
    )


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rating: Literal["up", "down"]
    reason: FeedbackReason | None = Field(default=None, description="Required for thumbs down.")
    comment: str | None = Field(default=None, max_length=1000)


class EventRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: EventKind
    conversation_id: str | None = Field(default=None, max_length=64)
    answer_id: str | None = Field(default=None, max_length=64)
    chunk_id: str | None = Field(default=None, max_length=64)
    client_time: str | None = Field(default=None, max_length=40)


class EscalationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target: EscalationTarget
    reason: EscalationReason
    note: str | None = Field(default=None, max_length=500)
    answer_id: str | None = Field(default=None, max_length=64)


class TagCorrection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tag: str = Field(min_length=1, max_length=64)


class SampleRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    since: date
    until: date = Field(description="Inclusive: the whole day counts.")
    n: int = Field(ge=1, le=1000)
    seed: int = Field(default=1, ge=0)


class VerdictRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verdict: Literal["juist", "deels juist", "onjuist", "had moeten weigeren"]
    error_category: (
        Literal["bron niet gevonden", "verkeerd feit", "verkeerde bron", "onduidelijk",
                "verouderde bron", "anders"]
        | None
    ) = None  # fmt: skip
    corrected_answer: str | None = Field(default=None, max_length=4000)
    chunk_id: str | None = Field(default=None, max_length=64)
    note: str | None = Field(default=None, max_length=1000)


class ExportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_ids: list[str] = Field(min_length=1, max_length=1000)


class ConfirmationText(BaseModel):
    text: str = Field(min_length=1, max_length=20_000, description="De (bewerkte) tekst.")


class ErrorBody(BaseModel):
    code: str
    message: str


class SourceContext(BaseModel):
    chunk_id: str
    doc_id: str
    title: str
    file_name: str
    date: str | None
    publisher: str | None
    section: str
    text: str
    before: str
    after: str
    line_start: int
    line_end: int


class Health(BaseModel):
    status: str
    index_version: str = ""
    model: str = ""
    prompt_version: str = ""
    policy_version: str = ""


ESCALATION_REASONS: tuple[str, ...] = get_args(EscalationReason)


# -- practice mode (issue 11) -----------------------------------------------------------


class PracticeStart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tag: str | None = Field(
        default=None, max_length=60, description="Onderwerp; leeg: willekeurig."
    )


class CallerQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=4000)


class PracticeAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer: str = Field(min_length=1, max_length=4000)


class ScenarioReview(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "reject"]
    note: str = Field(default="", max_length=1000)
