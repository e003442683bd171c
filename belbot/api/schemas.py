"""Request and response bodies of the HTTP API: one schema per direction."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from belbot.answering.service import MAX_QUESTION_CHARS

FeedbackReason = Literal[
    "onjuist", "onvolledig", "niet relevant", "bron klopt niet", "onduidelijk", "anders"
]
EventKind = Literal["answer_shown", "source_opened", "answer_copied", "conversation_ended"]


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    conversation_id: str | None = Field(default=None, max_length=64)


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
