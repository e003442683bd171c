"""What the conversation store hands out, and the text forms it keeps: timestamps as ISO text
in UTC (they compare as text on both engines), questions normalised for grouping."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from belbot.answering.types import Answer
from belbot.errors import BelbotError


class AnswerNotFoundError(BelbotError):
    code = "answer_not_found"


@dataclass(frozen=True)
class StoredAnswer:
    answer: Answer
    prompt: str
    raw_output: str
    history: list[str]  # resolved queries of the earlier turns of its conversation


class EphemeralAnswer(NamedTuple):
    conversation_id: str
    tag: str | None


class AgentAnswer(NamedTuple):
    agent_id: str
    text: str
    answer_id: str


_TRAILING_PUNCTUATION = re.compile(r"[\s?!.,;:…]+$")


def normalise_question(question: str) -> str:
    """Lowercase, whitespace collapsed, trailing punctuation gone: "Wat is X?" = "wat is x"."""
    return _TRAILING_PUNCTUATION.sub("", " ".join(question.lower().split()))


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def iso_utc(moment: datetime) -> str:
    """A moment as the store writes timestamps, so they compare as text; naive means UTC."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="milliseconds")
