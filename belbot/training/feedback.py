"""The feedback a trainee gets on a practice answer: each required fact found or missed (with
the sentence that matched and the passage that holds the fact), the questions to ask first
asked or not, the score and the model answer."""

from __future__ import annotations

from pydantic import BaseModel

from belbot.retrieval.lexical import tokenize
from belbot.training.matching import FactMatcher, numbers
from belbot.training.passages import ResolvedPassage
from belbot.training.progress import score
from belbot.training.types import Fact, Scenario


class SourceRef(BaseModel):
    chunk_id: str
    doc_id: str
    document: str
    title: str
    section: str
    line_start: int
    line_end: int
    quote: str


class FactResult(BaseModel):
    id: str
    text: str
    found: bool
    how: str | None
    evidence: str | None
    source: SourceRef | None


class AskResult(BaseModel):
    id: str
    text: str
    asked: bool


class TopicStatus(BaseModel):
    tag: str
    tag_label: str
    passed: int
    needed: int
    completed: bool


class AnswerFeedback(BaseModel):
    attempt_id: str = ""
    scenario_id: str
    score: float
    passed: bool
    pass_score: float
    facts: list[FactResult]
    ask_first: list[AskResult]
    model_answer: str
    topic: TopicStatus | None = None


def source_of(fact: Fact, passages: list[ResolvedPassage]) -> SourceRef | None:
    """The passage that most likely holds the fact: most shared numbers, then content words."""
    if not passages:
        return None
    wanted_numbers, wanted = numbers(fact.text), set(tokenize(fact.text))

    def overlap(p: ResolvedPassage) -> tuple[int, int]:
        text = p.ref.quote
        return len(wanted_numbers & numbers(text)), len(wanted & set(tokenize(text)))

    best = max(passages, key=overlap)
    return SourceRef(
        chunk_id=best.chunk.chunk_id,
        doc_id=best.chunk.doc_id,
        document=best.ref.document,
        title=best.document.title,
        section=best.chunk.section,
        line_start=best.chunk.line_start,
        line_end=best.chunk.line_end,
        quote=best.ref.quote,
    )


def check_answer(
    scenario: Scenario,
    answer: str,
    asked: set[str],
    passages: list[ResolvedPassage],
    matcher: FactMatcher,
    pass_score: float,
) -> AnswerFeedback:
    matches = matcher.match_all(scenario.facts, answer)
    facts = [
        FactResult(
            id=fact.id,
            text=fact.text,
            found=m.found,
            how=m.how,
            evidence=m.evidence,
            source=source_of(fact, passages),
        )
        for fact, m in zip(scenario.facts, matches, strict=True)
    ]
    asks = [AskResult(id=i.id, text=i.text, asked=i.id in asked) for i in scenario.ask_first]
    value = score(sum(f.found for f in facts), len(facts), sum(a.asked for a in asks), len(asks))
    return AnswerFeedback(
        scenario_id=scenario.id,
        score=value,
        passed=value >= pass_score,
        pass_score=pass_score,
        facts=facts,
        ask_first=asks,
        model_answer=scenario.model_answer,
    )
