"""Multi-turn: a follow-up ("en voor Webcare?") is read in the context of the previous turn.
Decided by rules in code, so the resolution is visible and reproducible."""

from __future__ import annotations

import re

from belbot.retrieval.lexical import tokenize

_FOLLOW_UP = re.compile(
    r"^(?:en|ook|maar|idem|wat als|en als|hoe zit het|geldt dat|geldt dit|is dat|en wat|"
    r"en hoe|en bij|en voor|en in|en over|dezelfde vraag)\b",
    re.IGNORECASE,
)
MAX_FOLLOW_UP_TERMS = 2


def is_follow_up(question: str) -> bool:
    question = question.strip()
    return bool(_FOLLOW_UP.match(question)) or len(tokenize(question)) <= MAX_FOLLOW_UP_TERMS


def resolve(question: str, previous: list[str]) -> tuple[str, str | None]:
    """(query to answer, the follow-up text or None) given earlier resolved queries."""
    if previous and is_follow_up(question):
        return f"{previous[-1]} {question.strip()}", question.strip()
    return question.strip(), None
