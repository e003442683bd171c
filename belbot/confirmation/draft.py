"""The draft: one point per answer the agent saw and did not reject, built from that answer's
verified sentences only. Each sentence is checked again against the passage it cites (term
support and every number in the very source sentence it restates); a sentence that fails is
dropped, and a point left without sentences is listed as "niet opgenomen: niet onderbouwd".
No model runs here: the draft is a template over verified text, so it is ready in milliseconds
and cannot invent anything."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from belbot.answering.evidence import units
from belbot.answering.numbers import numbers_in
from belbot.answering.types import Answer, Citation
from belbot.answering.verify import answer_sentences, sentence_citations, strip_markers, support
from belbot.confirmation.types import Omitted, Point, SourceNote
from belbot.retrieval.lexical import TermStats

NOT_SUPPORTED = "niet opgenomen: niet onderbouwd"
REJECTED = "niet opgenomen: afgewezen met duim omlaag"
REFUSED = "niet opgenomen: geen antwoord uit de kennisbank"
NOT_SHOWN = "niet opgenomen: niet getoond aan de medewerker"
QUOTE_CHARS = 400

_PLACEHOLDER = re.compile(r"\[[A-Z_]+\]")
# "Klant met [BSN] vraagt:", "beller vraagt of ..." and similar lead-ins of a typed note.
_LEAD_IN = re.compile(r"^.{0,80}?\b(?:vraagt|wil weten|vroeg)\b\s*(?::|of\b)?\s*", re.I)
_BULLET = re.compile(r"^\s*[•\-*]\s*")
_QUOTE = re.compile(r"«(.+?)»\s*((?:\[\d+\]\s*)*)", re.S)


def topic_line(question: str) -> str:
    """The caller's question as one clean line: placeholders and note lead-ins removed."""
    text = _PLACEHOLDER.sub(" ", question)
    stripped = _LEAD_IN.sub("", text, count=1)
    if len(stripped.split()) >= 3:
        text = stripped
    text = " ".join(text.replace("\n", " ").split()).strip(" :,;")
    text = re.sub(r"\s+([?.!,])", r"\1", text)
    if not text:
        return "Vraag zonder tekst"
    return text[0].upper() + text[1:]


def answer_statements(text: str) -> list[str]:
    """The statements of a shown answer, each with its markers: a verbatim quote of an
    extractive answer («...» [1]) is one statement; generated text is split into sentences."""
    quotes = _QUOTE.findall(text)
    if quotes:
        return [f"{_BULLET.sub('', body).strip()} {markers.strip()}" for body, markers in quotes]
    # Line by line: each bullet of a generated answer is its own sentence.
    return [s for line in text.splitlines() for s in answer_sentences(_BULLET.sub("", line))]


@dataclass
class SentenceCheck:
    supported: bool
    quote_units: list[str] = field(default_factory=list)
    reason: str = ""


def check_sentence(
    stats: TermStats, sentence: str, sources: list[str], threshold: float
) -> SentenceCheck:
    """Supported when the cited sources cover the sentence's terms and every number in it is in
    the one source sentence that backs it best (a number from elsewhere is an invention)."""
    if not sources:
        return SentenceCheck(False, reason="geen bron")
    body = " ".join(strip_markers(sentence).split())
    for source in sources:
        if body and body in " ".join(source.split()):
            return SentenceCheck(True, quote_units=[body])  # a verbatim quote
    joined = " ".join(sources)
    if support(stats, sentence, joined) < threshold:
        return SentenceCheck(False, reason="bron dekt de zin niet")
    candidates = [u for source in sources for _, u in units(source)] or sources
    best = max(candidates, key=lambda u: support(stats, sentence, u))
    if not numbers_in(strip_markers(sentence)) <= numbers_in(best):
        return SentenceCheck(False, reason="getal niet in de bronzin")
    return SentenceCheck(True, quote_units=[best])


@dataclass
class DraftContent:
    points: list[Point]
    notes: list[SourceNote]
    omitted: list[Omitted]


class Drafter:
    def __init__(self, stats: TermStats, support_threshold: float) -> None:
        self._stats = stats
        self._threshold = support_threshold

    def build(
        self,
        answers: list[Answer],
        rejected: set[str],
        shown: set[str] | None,
    ) -> DraftContent:
        """``shown`` None means the client reported no display events (API use without the
        side panel): every answer then counts as seen."""
        notes: dict[str, SourceNote] = {}
        quotes: dict[str, list[str]] = {}
        points: list[Point] = []
        omitted: list[Omitted] = []
        for answer in answers:
            topic = topic_line(answer.question)
            reason = self._exclusion(answer, rejected, shown)
            if reason:
                omitted.append(Omitted(answer_id=answer.answer_id, topic=topic, reason=reason))
                continue
            statements, used = self._verified_statements(answer, notes, quotes)
            text = " ".join(statements)
            if not text:
                omitted.append(
                    Omitted(answer_id=answer.answer_id, topic=topic, reason=NOT_SUPPORTED)
                )
                continue
            points.append(
                Point(
                    answer_id=answer.answer_id,
                    topic=topic,
                    text=text,
                    notes=used,
                    statements=statements,
                )
            )
        final_notes = [
            note.model_copy(update={"quote": _quote(quotes[note.chunk_id])})
            for note in notes.values()
        ]
        return DraftContent(points, final_notes, omitted)

    @staticmethod
    def _exclusion(answer: Answer, rejected: set[str], shown: set[str] | None) -> str:
        ids = {answer.answer_id, answer.cached_from or ""}
        if answer.path == "refused":
            return REFUSED
        if ids & rejected:
            return REJECTED
        if shown is not None and not ids & shown:
            return NOT_SHOWN
        return ""

    def _verified_statements(
        self, answer: Answer, notes: dict[str, SourceNote], quotes: dict[str, list[str]]
    ) -> tuple[list[str], list[int]]:
        given = {c.marker: c for c in answer.citations}
        sentences = answer_statements(answer.text)
        kept: list[str] = []
        used: list[int] = []
        for sentence, cites in zip(sentences, sentence_citations(sentences), strict=True):
            cited = [given[m] for m in cites if m in given]
            check = check_sentence(self._stats, sentence, [c.text for c in cited], self._threshold)
            if not check.supported:
                continue
            numbers = []
            for citation in cited:
                note = notes.setdefault(citation.chunk_id, _note(len(notes) + 1, citation))
                quotes.setdefault(citation.chunk_id, [])
                for unit in check.quote_units:
                    in_source = " ".join(unit.split()) in " ".join(citation.text.split())
                    if in_source and unit not in quotes[citation.chunk_id]:
                        quotes[citation.chunk_id].append(unit)
                numbers.append(note.number)
            body = " ".join(strip_markers(sentence).split())
            kept.append(body + "".join(f" [{n}]" for n in sorted(set(numbers))))
            used += [n for n in numbers if n not in used]
        return kept, used


def _note(number: int, citation: Citation) -> SourceNote:
    return SourceNote(
        number=number,
        chunk_id=citation.chunk_id,
        document=citation.file_name,
        title=citation.title,
        section=citation.section,
        date=citation.date,
        quote="",
        passage=citation.text,
    )


def _quote(found: list[str]) -> str:
    text = " ".join(" ".join(u.split()) for u in found)
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rsplit(" ", 1)[0] + "…"
