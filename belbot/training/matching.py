"""Did the trainee's answer state a required fact? Exact, then an accepted variant, then a
paraphrase: the fact's numbers must all be there (a wrong number is a missed fact), enough of
its content words (Dutch stems, the retriever's analysis chain) must be in one sentence of the
answer, and that sentence must not flip the fact's negation ("wel" vs "niet").

Deterministic and model-free, so the feedback a trainee gets can be explained: the evidence
is the sentence that matched. Precision and recall are measured by `belbot eval facts` on
eval/testsets/training_answers.jsonl (thresholds were chosen on the _dev file)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from belbot.retrieval.lexical import fold_accents, tokenize
from belbot.training.types import Fact

How = Literal["exact", "variant", "paraphrase"]

_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NEGATION = frozenset({"niet", "geen", "nooit", "niets", "niks", "niemand", "nergens", "zonder"})
# Phone talk opens with "Nee, ..." or "Niet helemaal, ...": a reply to the caller, not a
# negation of the fact that follows.
_INTERJECTION = re.compile(
    r"^\s*(?:nee|neen|niet (?:helemaal|precies|echt|zo)|dat klopt niet)\b[^,.;:]*[,;:]\s*",
    re.IGNORECASE,
)
# Clauses: "..., maar dat is geen X" must not negate the fact before it.
_CLAUSE = re.compile(r",\s*(?=(?:maar|want|alleen|behalve)\b)|;\s*", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9%]+")
# Number words a trainee may type instead of digits ("twee weken"); "een" is left out: it is
# nearly always the article.
_NUMBER_WORDS = {
    "twee": "2", "drie": "3", "vier": "4", "vijf": "5", "zes": "6", "zeven": "7", "acht": "8",
    "negen": "9", "tien": "10", "elf": "11", "twaalf": "12", "dertien": "13", "veertien": "14",
    "vijftien": "15", "twintig": "20", "dertig": "30", "veertig": "40", "vijftig": "50",
    "zestig": "60", "zeventig": "70", "tachtig": "80", "negentig": "90", "honderd": "100",
}  # fmt: skip


@dataclass(frozen=True)
class FactMatch:
    fact_id: str
    found: bool
    how: How | None
    evidence: str | None
    coverage: float


@dataclass(frozen=True)
class MatchSettings:
    """Chosen on eval/testsets/training_answers_dev.jsonl (`belbot eval facts --dev`)."""

    min_coverage: float = 0.5
    min_coverage_with_numbers: float = 0.25


def normalise(text: str) -> str:
    """Lower case, accents folded, numbers without separators, punctuation gone."""
    folded = fold_accents(text).replace("%", " procent ").replace("€", " euro ")
    folded = re.sub(r"(?<=\d)[.,](?=\d)", "", folded)
    return " ".join(_WORD.findall(folded))


def numbers(text: str) -> set[str]:
    """The numbers a text states, separators dropped ("28.844" and "28844" are one), plus
    spelled-out ones ("twee")."""
    found = {re.sub(r"[.,]", "", n).lstrip("0") or "0" for n in _NUMBER.findall(text)}
    words = _WORD.findall(fold_accents(text))
    found |= {_NUMBER_WORDS[w] for w in words if w in _NUMBER_WORDS}
    return found


def _negated(text: str) -> bool:
    return any(word in _NEGATION for word in _WORD.findall(fold_accents(text)))


def _content(text: str) -> set[str]:
    return {stem for stem in tokenize(text) if not stem.isdigit()} - set(_NUMBER_WORDS)


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE.split(text) if part.strip()]


def windows(text: str) -> list[str]:
    """Where a fact may be stated: each sentence, its clauses, and two neighbouring sentences
    together (a trainee may spread one fact over both); leading interjections dropped."""
    parts = [_INTERJECTION.sub("", part) or part for part in sentences(text)]
    clauses = [c.strip() for part in parts for c in _CLAUSE.split(part) if c.strip()]
    pairs = [f"{a} {b}" for a, b in pairwise(parts)]
    return list(dict.fromkeys(parts + clauses + pairs))


@dataclass(frozen=True)
class _Window:
    """One place in the answer a fact may be stated, analysed once for every fact."""

    text: str
    numbers: frozenset[str]
    content: frozenset[str]
    negated: bool


@dataclass(frozen=True)
class _Analysed:
    text: str
    flat: str  # normalised, padded with spaces for whole-word containment
    windows: tuple[_Window, ...]


def _analyse(answer: str) -> _Analysed:
    return _Analysed(
        answer,
        f" {normalise(answer)} ",
        tuple(
            _Window(w, frozenset(numbers(w)), frozenset(_content(w)), _negated(w))
            for w in windows(answer)
        ),
    )


class FactMatcher:
    def __init__(self, settings: MatchSettings | None = None) -> None:
        self._settings = settings or MatchSettings()

    def match(self, fact: Fact, answer: str) -> FactMatch:
        return self._match(fact, _analyse(answer))

    def match_all(self, facts: tuple[Fact, ...], answer: str) -> list[FactMatch]:
        analysed = _analyse(answer)
        return [self._match(fact, analysed) for fact in facts]

    def _match(self, fact: Fact, answer: _Analysed) -> FactMatch:
        for how, phrasing in [("exact", fact.text), *(("variant", v) for v in fact.variants)]:
            wanted = normalise(phrasing)
            if wanted and f" {wanted} " in answer.flat:
                evidence = self._sentence_with(answer.text, wanted)
                return FactMatch(fact.id, True, how, evidence, 1.0)  # type: ignore[arg-type]
        return self._paraphrase(fact, answer.windows)

    @staticmethod
    def _sentence_with(answer: str, wanted: str) -> str:
        for sentence in sentences(answer):
            if wanted in normalise(sentence):
                return sentence
        return answer.strip()

    def _paraphrase(self, fact: Fact, candidates: tuple[_Window, ...]) -> FactMatch:
        best: tuple[bool, float, str | None] = (False, 0.0, None)
        for phrasing in (fact.text, *fact.variants):
            wanted_numbers = numbers(phrasing)
            wanted = _content(phrasing)
            if not wanted and not wanted_numbers:
                continue
            threshold = (
                self._settings.min_coverage_with_numbers
                if wanted_numbers
                else self._settings.min_coverage
            )
            negated = _negated(phrasing)
            for window in candidates:
                if not wanted_numbers <= window.numbers:
                    continue  # a wrong or missing number is a missed fact
                coverage = len(wanted & window.content) / len(wanted) if wanted else 1.0
                found = coverage >= threshold and window.negated == negated
                best = max(best, (found, coverage, window.text), key=lambda c: (c[0], c[1]))
        found, coverage, evidence = best
        return FactMatch(
            fact.id, found, "paraphrase" if found else None, evidence if found else None,
            round(coverage, 3),
        )  # fmt: skip
