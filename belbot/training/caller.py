"""The simulated caller: a trainee's question to the caller counts as asking an item of the
scenario's "uitvragen" list when it contains one of the item's cues (or most of the item's
own words); the caller then gives that item's reply."""

from __future__ import annotations

from belbot.retrieval.lexical import tokenize
from belbot.training.matching import normalise
from belbot.training.types import AskItem

UNKNOWN_REPLY = "Dat weet ik niet precies. Wat wilt u nog meer weten?"
MIN_WORD_SHARE = 0.6


def matching_item(question: str, items: tuple[AskItem, ...]) -> AskItem | None:
    flat = f" {normalise(question)} "
    for item in items:
        if any(f" {normalise(cue)} " in flat for cue in item.cues if normalise(cue)):
            return item
    asked = set(tokenize(question))
    for item in items:
        wanted = set(tokenize(item.text))
        if wanted and len(wanted & asked) / len(wanted) >= MIN_WORD_SHARE:
            return item
    return None


def reply_to(question: str, items: tuple[AskItem, ...]) -> tuple[str, str | None]:
    item = matching_item(question, items)
    return (item.reply, item.id) if item else (UNKNOWN_REPLY, None)
