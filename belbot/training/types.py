"""Practice scenarios: a caller situation with the facts a correct answer must contain, the
passages that hold them and what the agent must ask first. The format is documented in
docs/TRAINING.md; the shipped library is knowledge/training/scenarios.jsonl."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from belbot.domain import sha256_hex
from belbot.errors import BelbotError

Status = Literal["draft", "approved", "rejected", "needs_review"]
Origin = Literal["kennisbank", "review", "handmatig"]
STATUSES: tuple[Status, ...] = ("draft", "approved", "rejected", "needs_review")


class ScenarioNotFoundError(BelbotError):
    code = "scenario_not_found"


class SessionNotFoundError(BelbotError):
    code = "practice_session_not_found"


class AlreadyAnsweredError(BelbotError):
    code = "already_answered"


class NoScenarioError(BelbotError):
    code = "no_scenario"


class Fact(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=20)
    text: str = Field(min_length=3, max_length=500)
    variants: tuple[str, ...] = ()


class PassageRef(BaseModel):
    """Where a scenario's facts are: a verbatim span (whitespace normalised) of a cleaned
    document, named by its file name (a document's id is the hash of its bytes and changes
    with any edit). ``chunk_sha256`` pins the chunk that held it when it was approved."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    document: str = Field(min_length=1, max_length=300, description="Corpus file name.")
    quote: str = Field(min_length=10, max_length=2000)
    chunk_sha256: str | None = None


class AskItem(BaseModel):
    """What the agent must ask the caller first ("uitvragen")."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=20)
    text: str = Field(min_length=3, max_length=300)
    cues: tuple[str, ...] = Field(min_length=1)
    reply: str = Field(min_length=1, max_length=500)


class Scenario(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^sc-[0-9a-f]{12}$")
    question: str = Field(min_length=10, max_length=1000)
    tag: str
    difficulty: int = Field(ge=1, le=3)
    facts: tuple[Fact, ...] = Field(min_length=1)
    passages: tuple[PassageRef, ...] = Field(min_length=1)
    ask_first: tuple[AskItem, ...] = ()
    model_answer: str = Field(min_length=10, max_length=3000)
    origin: Origin = "kennisbank"
    status: Status = "draft"
    reviewed_by: str | None = None
    reviewed_at: str | None = None
    note: str = ""

    @field_validator("facts")
    @classmethod
    def _unique_fact_ids(cls, facts: tuple[Fact, ...]) -> tuple[Fact, ...]:
        ids = [fact.id for fact in facts]
        if len(set(ids)) != len(ids):
            raise ValueError("fact ids must be unique")
        return facts

    def unpinned(self) -> Scenario:
        """The scenario with its passages not pinned to any chunk (to pin them anew)."""
        refs = tuple(ref.model_copy(update={"chunk_sha256": None}) for ref in self.passages)
        return self.model_copy(update={"passages": refs})

    @property
    def content_id(self) -> str:
        return scenario_id(self.question, self.tag, [fact.text for fact in self.facts])


def scenario_id(question: str, tag: str, facts: list[str]) -> str:
    """Content hash: the same question, topic and facts are the same scenario."""
    return "sc-" + sha256_hex("\n".join([question, tag, *facts]))[:12]
