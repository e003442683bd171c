"""Draft scenarios for a coach to review, from two sources:

- the knowledge base: a passage's sentences that state something checkable (a number, a date,
  a percentage) become the facts, its section the caller's topic; template and extraction,
  no model, so every fact is verbatim from a passage;
- reviewed conversations exported by the monitoring console (`belbot review export`): the
  question as the agent got it, the reviewer's answer as the model answer and its sentences
  as facts, the reviewer's passage as the source.

Drafts are never practised before a coach approves them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from belbot.domain import Chunk
from belbot.index.store import IndexVersion
from belbot.knowledge.sentences import split_sentences
from belbot.training.passages import squash
from belbot.training.types import Fact, PassageRef, Scenario, scenario_id

_CHECKABLE = re.compile(r"\d")
_MIN_CHARS, _MAX_CHARS = 40, 260
MAX_FACTS = 2  # a drafted scenario: one passage, its first checkable sentences
QUESTION_TEMPLATES = (
    "Ik heb een vraag over {topic}. Kunt u mij vertellen hoe dat zit?",
    "Ik las iets over {topic}. Wat zijn daar de cijfers van?",
    "Mijn vraag gaat over {topic}: wat is daarover bekend?",
)


def checkable_sentences(chunk: Chunk) -> list[str]:
    """Sentences of the passage that state a number, whole and of a readable length."""
    found = []
    for sentence in split_sentences(chunk.text):
        text = squash(sentence)
        if _MIN_CHARS <= len(text) <= _MAX_CHARS and _CHECKABLE.search(text):
            found.append(text)
    return found


def _topic(chunk: Chunk, title: str) -> str:
    """The passage's section, else its document's title: what the caller says it is about."""
    topic = squash(chunk.section).strip(" :.-") or squash(title).split(" — ")[0].strip()
    return topic[:1].lower() + topic[1:] if topic else "dit onderwerp"


def draft_from_chunk(
    chunk: Chunk, facts_from: list[str], document: str, tag: str, variant: int, title: str
) -> Scenario:
    """``facts_from``: the passage's checkable sentences that become the facts."""
    question = QUESTION_TEMPLATES[variant % len(QUESTION_TEMPLATES)].format(
        topic=_topic(chunk, title)
    )
    facts = tuple(Fact(id=f"f{n}", text=s) for n, s in enumerate(facts_from, start=1))
    return Scenario(
        id=scenario_id(question, tag, [f.text for f in facts]),
        question=question,
        tag=tag,
        difficulty=min(3, len(facts)),
        facts=facts,
        passages=tuple(PassageRef(document=document, quote=s) for s in facts_from),
        model_answer=" ".join(facts_from),
        origin="kennisbank",
        status="draft",
    )


def draft_from_index(
    index: IndexVersion, tag_of: Callable[[str], str], limit: int, per_document: int
) -> list[Scenario]:
    """Up to ``per_document`` drafts from each document's passages, in document order."""
    drafts: list[Scenario] = []
    taken: dict[str, int] = {}
    for chunk in index.chunks:
        if len(drafts) >= limit:
            break
        if taken.get(chunk.doc_id, 0) >= per_document or chunk.kind == "table":
            continue
        sentences = checkable_sentences(chunk)[:MAX_FACTS]
        if not sentences:
            continue
        document = index.documents[chunk.doc_id]
        tag = tag_of(f"{chunk.section} {sentences[0]}")
        drafts.append(
            draft_from_chunk(chunk, sentences, document.file_name, tag, len(drafts), document.title)
        )
        taken[chunk.doc_id] = taken.get(chunk.doc_id, 0) + 1
    return drafts


def draft_from_review(
    line: dict[str, Any], chunk: Chunk, document: str, tag: str
) -> Scenario | None:
    """One exported review line (expected "answer") as a draft; None for refusals."""
    if line.get("expected") != "answer" or not str(line.get("gold_answer", "")).strip():
        return None
    gold = squash(str(line["gold_answer"]))
    facts = tuple(
        Fact(id=f"f{n}", text=s)
        for n, s in enumerate((squash(s) for s in split_sentences(gold)), start=1)
        if len(s) >= 10
    )[:3]
    if not facts:
        return None
    quotes: Iterable[str] = line.get("gold_quotes") or [chunk.text[:300]]
    question = squash(str(line["question"]))
    return Scenario(
        id=scenario_id(question, tag, [f.text for f in facts]),
        question=question,
        tag=tag,
        difficulty=min(3, len(facts)),
        facts=facts,
        passages=tuple(PassageRef(document=document, quote=squash(q)) for q in quotes if q),
        model_answer=gold,
        origin="review",
        status="draft",
        note=f"uit beoordeling {line.get('id', '')}".strip(),
    )
