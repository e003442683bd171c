"""Checks every answer passes before an agent sees it. The model is never trusted: citations
must point to given passages, every number must occur in a cited passage, and every sentence
must be supported by what it cites."""

from __future__ import annotations

import re

from belbot.answering.evidence import units
from belbot.answering.numbers import numbers_in
from belbot.answering.types import Verdict
from belbot.knowledge.sentences import split_sentences
from belbot.retrieval.lexical import TermStats

_MARKER = re.compile(r"\[(\d+)\]")
_LEAD_MARKER = re.compile(r"^\[(\d+)\]\s*")
_REFUSAL = re.compile(r"niet in de kennisbank", re.IGNORECASE)
MAX_SENTENCES = 4


def markers_in(text: str) -> list[int]:
    return [int(m) for m in _MARKER.findall(text)]


def strip_markers(text: str) -> str:
    return " ".join(_MARKER.sub(" ", text).split())


def clean_generation(raw: str) -> str:
    """The answer part of raw model output: first paragraph, trimmed."""
    text = raw.split("[Einde]", 1)[0].strip()
    text = text.split("\n", 1)[0].strip()
    # "[2] Zin." (the model echoing a source line) becomes "Zin. [2]".
    lead = _LEAD_MARKER.match(text)
    if lead:
        text = f"{text[lead.end() :].strip()} [{lead.group(1)}]"
    return text


def answer_sentences(text: str) -> list[str]:
    """The sentences of an answer text (whitespace collapsed), without marker-only pieces."""
    return [s for s in split_sentences(" ".join(text.split())) if strip_markers(s)]


def support(stats: TermStats, sentence: str, source: str) -> float:
    """Share of the sentence's content terms that occur in the source (plain, not IDF:
    connecting words the model adds should cost as much as any other)."""
    terms = stats.terms(strip_markers(sentence))
    if not terms:
        return 1.0
    present = stats.terms(source)
    return len(terms & present) / len(terms)


def sentence_citations(sentences: list[str]) -> list[list[int]]:
    """Markers of each sentence; a sentence without one borrows the next sentence's."""
    own = [markers_in(s) for s in sentences]
    result: list[list[int]] = []
    for index, markers in enumerate(own):
        if not markers:
            markers = next((m for m in own[index + 1 :] if m), [])
        result.append(markers)
    return result


def verify_answer(
    text: str, given: dict[int, str], stats: TermStats, support_threshold: float
) -> list[Verdict]:
    verdicts: list[Verdict] = []
    markers = markers_in(text)
    sentences = answer_sentences(text)
    verdicts.append(
        Verdict(check="not_empty", passed=bool(strip_markers(text)), detail=f"{len(text)} tekens")
    )
    verdicts.append(
        Verdict(
            check="no_refusal_text",
            passed=not _REFUSAL.search(text),
            detail="model zegt 'niet in de kennisbank'" if _REFUSAL.search(text) else "",
        )
    )
    verdicts.append(
        Verdict(
            check="length",
            passed=len(sentences) <= MAX_SENTENCES,
            detail=f"{len(sentences)} zinnen",
        )
    )
    verdicts.append(
        Verdict(check="citations_present", passed=bool(markers), detail=f"markers {markers}")
    )
    invalid = sorted({m for m in markers if m not in given})
    verdicts.append(
        Verdict(
            check="citations_valid",
            passed=not invalid,
            detail=f"onbekende bronnen {invalid}"
            if invalid
            else f"gegeven bronnen {sorted(given)}",
        )
    )
    cited_text = " ".join(given[m] for m in set(markers) if m in given)
    missing = sorted(numbers_in(text) - numbers_in(cited_text))
    verdicts.append(
        Verdict(
            check="numbers_in_sources",
            passed=not missing,
            detail=f"niet in de bron: {missing}"
            if missing
            else f"{len(numbers_in(text))} getallen",
        )
    )
    weakest = 1.0
    ungrounded: list[str] = []
    for sentence, cites in zip(sentences, sentence_citations(sentences), strict=True):
        source = " ".join(given[m] for m in cites if m in given)
        weakest = min(weakest, support(stats, sentence, source) if source else 0.0)
        # A number must come from the very source sentence the model restates: a year taken
        # from elsewhere in the passage ("In 2024 ..." for "In 2025 ...") is an invention.
        wanted = numbers_in(sentence)
        if wanted and source:
            best = max((u for _, u in units(source)), key=lambda u: support(stats, sentence, u))
            ungrounded += sorted(wanted - numbers_in(best))
    verdicts.append(
        Verdict(
            check="numbers_in_same_sentence",
            passed=not ungrounded,
            detail=f"niet in de bronzin: {ungrounded}" if ungrounded else "",
        )
    )
    verdicts.append(
        Verdict(
            check="sentences_supported",
            passed=bool(sentences) and weakest >= support_threshold,
            detail=f"zwakste zin {weakest:.2f} (drempel {support_threshold:.2f})",
            score=round(weakest, 4) if sentences else None,
        )
    )
    return verdicts


def all_passed(verdicts: list[Verdict]) -> bool:
    return all(v.passed for v in verdicts)
