"""The confirmation record: what the draft holds, what was left out and why, and its life cycle
(draft -> approved; a correction is a new version, an approved one never changes)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Status = Literal["draft", "approved"]


class SourceNote(BaseModel):
    """A numbered note under the confirmation: where a point comes from, with the quote."""

    number: int = Field(ge=1)
    chunk_id: str
    document: str
    title: str
    section: str
    date: str | None = None
    quote: str = Field(description="The source sentence(s) that back the point, verbatim.")
    passage: str = Field(description="The whole cited passage: edits are checked against it.")


class Point(BaseModel):
    answer_id: str
    topic: str = Field(description="What the caller asked, one line.")
    text: str = Field(description="What they were told: verified sentences with note numbers.")
    notes: list[int]
    statements: list[str] = Field(
        default_factory=list, description="The verified statements ``text`` is made of."
    )


class Omitted(BaseModel):
    answer_id: str
    topic: str
    reason: str


class Confirmation(BaseModel):
    confirmation_id: str
    conversation_id: str
    version: int = Field(ge=1)
    supersedes: str | None = None
    reference: str
    date: str
    points: list[Point]
    notes: list[SourceNote]
    omitted: list[Omitted]
    draft_text: str
    mode: Literal["template", "model"] = "template"
    generation_ms: float = 0.0
    status: Status = "draft"
    final_text: str | None = None
    diff: str | None = None
    unsupported_in_final: list[str] = Field(default_factory=list)
    created_at: str = ""
    approved_at: str | None = None
    seconds_to_approve: float | None = None


class EditCheck(BaseModel):
    """Sentences of an edited text that no source of the confirmation backs."""

    unsupported: list[str]
    checked: int
