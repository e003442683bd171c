"""A small Dutch sentence splitter: enough to never cut a sentence when a paragraph is split."""

from __future__ import annotations

import re

# Abbreviations that end in a full stop without ending the sentence.
_ABBREVIATIONS = {
    "o.a", "bijv", "bv", "i.v.m", "m.b.t", "t.a.v", "d.w.z", "e.d", "enz", "etc", "nr", "nrs",
    "p", "pp", "art", "blz", "jl", "jo", "mln", "mld", "mrd", "ca", "evt", "incl", "excl",
    "resp", "vgl", "zgn", "z.g", "m.i.v", "i.p.v", "t/m", "n.a.v", "a.s", "dhr", "mevr", "mr",
    "dr", "ir", "drs", "prof", "st", "v.w.b", "o.b.v", "e.a", "min", "max", "gem", "ong", "t.o.v",
    "d.d", "m.b.v", "i.o.m", "a.d.h.v", "i.c", "c.q", "z.s.m", "m.u.v", "vs", "jr", "mw",
}  # fmt: skip
_INITIALS = re.compile(r"(?:[a-z]\.)*[a-z]")  # "e.h.l" of "E.H.L. Aarts", or one letter
_BOUNDARY = re.compile(r"([.!?][\"”’)]?)\s+(?=[A-Z0-9‘“(•À-Ý])")


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``, each an exact substring, in order."""
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end(1)
        last_word = text[start:end].rsplit(" ", 1)[-1].rstrip('.!?"”’)').lstrip("(‘“").lower()
        if last_word in _ABBREVIATIONS or _INITIALS.fullmatch(last_word):
            continue
        sentences.append(text[start:end].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return [sentence for sentence in sentences if sentence]
