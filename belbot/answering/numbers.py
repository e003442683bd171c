"""Numbers, percentages, amounts and years as comparable tokens: "28.844" and "28844" are
the same number; "7,3 %" and "7,3%" too. Citation markers are not numbers."""

from __future__ import annotations

import re

_NUMBER = re.compile(r"(?<![\w\[])\d+(?:[.,]\d+)*(?![\w\]])")
_MARKER = re.compile(r"\[\d+\]")


def numbers_in(text: str) -> set[str]:
    text = _MARKER.sub(" ", text)
    return {re.sub(r"[.,]", "", match) for match in _NUMBER.findall(text)}


def years_in(text: str) -> set[str]:
    return {n for n in numbers_in(text) if len(n) == 4 and n[:2] in ("19", "20")}
