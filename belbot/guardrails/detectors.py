"""Detectors of Dutch personal data. Each finds spans; the pipeline redacts them.

Structured kinds use validating libraries (python-stdnum for the BSN eleven-test and IBAN
mod-97, phonenumbers for Dutch numbers) behind candidate regexes; names and places use
`deduce` (Dutch de-identification) plus cue-word rules for what it misses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

from belbot.guardrails.types import Finding, PiiKind


class Detector(Protocol):
    def find(self, text: str) -> list[Finding]: ...


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@dataclass(frozen=True)
class RegexDetector:
    kind: PiiKind
    pattern: re.Pattern[str]
    group: int = 0

    def find(self, text: str) -> list[Finding]:
        return [
            Finding(self.kind, m.start(self.group), m.end(self.group))
            for m in self.pattern.finditer(text)
        ]


class BsnDetector:
    # 9 digits, optionally grouped by spaces, dots or dashes (also 8 digits: a leading 0 lost).
    _CANDIDATE = re.compile(r"(?<![\w.,-])(?:\d[ .\-]?){7,8}\d(?![\w]|[.,-]\d)")

    def find(self, text: str) -> list[Finding]:
        from stdnum.nl import bsn

        found = []
        for match in self._CANDIDATE.finditer(text):
            digits = _digits(match.group())
            if len(digits) in (8, 9) and bsn.is_valid(digits.zfill(9)):
                found.append(Finding("BSN", match.start(), match.end()))
        return found


class IbanDetector:
    _CANDIDATE = re.compile(
        r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{4}){2,7}"
        r"(?:[ ]?[A-Za-z0-9]{1,3})?(?![A-Za-z0-9])"
    )

    def find(self, text: str) -> list[Finding]:
        from stdnum import iban

        found = []
        for match in self._CANDIDATE.finditer(text):
            candidate = match.group()
            # Shrink from the right: a following word may have been swallowed by the regex.
            while candidate:
                compact = candidate.replace(" ", "").upper()
                if iban.is_valid(compact):
                    found.append(Finding("IBAN", match.start(), match.start() + len(candidate)))
                    break
                if " " not in candidate:
                    break
                candidate = candidate.rsplit(" ", 1)[0]
        return found


class PhoneDetector:
    """phonenumbers' VALID matcher, plus a fallback for numbers in unallocated ranges that are
    still clearly phone numbers (start with 0, +31 or 0031 and have 10 digits)."""

    _FALLBACK = re.compile(
        r"(?<![\w+])(?:\+31|0031|0)[ \-]?(?:\(0\))?[ \-]?(?:\d[ \-]?){8}\d(?!\w)"
    )

    def __init__(self, allow: list[str]) -> None:
        self._allow = {_digits(number) for number in allow}

    def find(self, text: str) -> list[Finding]:
        import phonenumbers

        found = []
        for match in phonenumbers.PhoneNumberMatcher(text, "NL", phonenumbers.Leniency.VALID):
            if _digits(match.raw_string) not in self._allow:
                found.append(Finding("TELEFOON", match.start, match.end))
        for m in self._FALLBACK.finditer(text):
            digits = _digits(m.group())
            national = digits[2:] if digits.startswith("31") else digits.lstrip("0")
            if len(national) == 9 and digits not in self._allow:
                found.append(Finding("TELEFOON", m.start(), m.end()))
        return found


_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Dutch postcode: four digits (not starting with 0), upper-case letters, never SA/SD/SS.
_POSTCODE = re.compile(r"\b[1-9]\d{3}[ ]?(?!SA|SD|SS)[A-Z]{2}\b")
_KENTEKEN = re.compile(
    r"\b(?:[A-Z]{2}-\d{2}-\d{2}|\d{2}-\d{2}-[A-Z]{2}|\d{2}-[A-Z]{2}-\d{2}|[A-Z]{2}-\d{2}-[A-Z]{2}"
    r"|[A-Z]{2}-[A-Z]{2}-\d{2}|\d{2}-[A-Z]{2}-[A-Z]{2}|\d{2}-[A-Z]{3}-\d|\d-[A-Z]{3}-\d{2}"
    r"|[A-Z]{2}-\d{3}-[A-Z]|[A-Z]-\d{3}-[A-Z]{2}|[A-Z]{3}-\d{2}-[A-Z]|[A-Z]-\d{2}-[A-Z]{3}"
    r"|\d-[A-Z]{2}-\d{3}|\d{3}-[A-Z]{2}-\d)\b"
)
_MONTH = (
    r"(?:jan(?:uari)?|feb(?:ruari)?|maart|mrt|apr(?:il)?|mei|juni?|juli?|aug(?:ustus)?|"
    r"sep(?:t(?:ember)?)?|okt(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = r"(?:\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)?\d{2}|\d{1,2} " + _MONTH + r"\.? (?:19|20)\d{2})"
_BIRTH_DATE = re.compile(
    r"(?:geboren(?: op)?|geb\.?|geboortedatum:?|geboortedag:?|geboren in)\s*(" + _DATE + r")",
    re.IGNORECASE,
)
_STREET_SUFFIX = (
    r"(?:straat|laan|weg|plein|gracht|kade|singel|dijk|dreef|pad|hof|park|steeg|markt|"
    r"boulevard|baan|veld|wal|haven|plantsoen|erf|kamp|hage|burg|berg|dam|rade)"
)
_ADDRESS = re.compile(
    r"\b(?:[A-Z][a-zà-ÿ]+(?: (?:van|de|der|den|het|ten|ter|op|aan)){0,3} )*"
    r"[A-Z]?[a-zà-ÿ]*"
    + _STREET_SUFFIX
    + r" \d{1,5}(?: ?[a-zA-Z](?![a-zA-Z]))?(?:[ -]\d{1,4}(?!\d))?"
)
_LAAN_VAN = re.compile(
    r"\b(?:Laan|Plein|Weg|Straat|Kade|Burgemeester|Prins|Koningin|Koning|Graaf|Generaal|Dokter)"
    r" [A-Za-zà-ÿ .]{2,40}? \d{1,5}(?: ?[a-zA-Z](?![a-zA-Z]))?\b"
)


class BirthDateDetector:
    def find(self, text: str) -> list[Finding]:
        return [Finding("GEBOORTEDATUM", m.start(1), m.end(1)) for m in _BIRTH_DATE.finditer(text)]


class AddressDetector:
    def find(self, text: str) -> list[Finding]:
        found = [Finding("ADRES", m.start(), m.end()) for m in _ADDRESS.finditer(text)]
        found += [Finding("ADRES", m.start(), m.end()) for m in _LAAN_VAN.finditer(text)]
        return [f for f in found if any(ch.isdigit() for ch in text[f.start : f.end])]


# A name after a cue word, also typed in lower case ("klant jan de vries").
_PARTICLES = r"(?:van|de|der|den|het|ten|ter|te|in 't|el|al|bin|da|di|du|le|la|von|op|'t)"
_NAME_WORD = r"[A-Za-zÀ-ÿ][a-zà-ÿ'\-]+"
_CUE_NAME = re.compile(
    r"\b(?:mevrouw|mevr\.?|mw\.?|meneer|mijnheer|dhr\.?|de heer|klant|beller|cliënt|client|"
    r"belastingplichtige|naam(?: is)?|heet|ik ben|namens|zoon|dochter|moeder|vader|partner)"
    r"[: ]+((?:"
    + _PARTICLES
    + r" ){0,3}"
    + _NAME_WORD
    + r"(?: (?:"
    + _PARTICLES
    + r" ){0,3}"
    + _NAME_WORD
    + r"){0,3})",
    re.IGNORECASE,
)
_NOT_NAMES = {
    "belt", "vraagt", "wil", "is", "was", "met", "die", "over", "om", "voor",
    "zegt", "wordt", "kan", "wilt", "graag", "en", "of", "een", "zijn", "haar",
    "geen", "niet", "nog", "ook", "al", "belastingdienst", "toeslagen", "wacht", "bij", "uit",
    "vanuit", "namens", "dat", "wat", "hoe", "waarom", "wanneer", "krijgt", "heeft", "komt",
}  # fmt: skip


class CueNameDetector:
    def find(self, text: str) -> list[Finding]:
        found = []
        for match in _CUE_NAME.finditer(text):
            words = match.group(1).split(" ")
            # Keep the leading words that look like a name; stop at a verb or function word.
            kept: list[str] = []
            for word in words:
                if word.lower().strip(".,") in _NOT_NAMES:
                    break
                kept.append(word)
            while kept and re.fullmatch(_PARTICLES, kept[-1], re.IGNORECASE):
                kept.pop()
            if not kept or all(re.fullmatch(_PARTICLES, w, re.IGNORECASE) for w in kept):
                continue
            # A lower-case "name" must look like first name plus surname ("jan de vries"):
            # a single lower-case word after a cue is ordinary language ("klant goed").
            content = [w for w in kept if not re.fullmatch(_PARTICLES, w, re.IGNORECASE)]
            if not kept[0][0].isupper() and len(content) < 2:
                continue
            start = match.start(1)
            found.append(Finding("NAAM", start, start + len(" ".join(kept))))
        return found


class DeduceDetector:
    """Names and places from `deduce`; its number and date tags are not used (they would
    remove amounts and dates the fiscal question needs)."""

    def __init__(self, allow: list[str], cache_path: str | None = None) -> None:
        self._allow = {a.lower() for a in allow}
        self._cache_path = cache_path
        self._model: Any = None

    def warm_up(self) -> None:
        if self._model is None:
            from deduce import Deduce

            self._model = Deduce(cache_path=self._cache_path) if self._cache_path else Deduce()

    def find(self, text: str) -> list[Finding]:
        self.warm_up()
        document = self._model.deidentify(text)
        found = []
        for annotation in document.annotations:
            tag = annotation.tag
            kind: PiiKind
            if tag.startswith(("persoon", "patient")):
                kind = "NAAM"
            elif tag in ("locatie", "adres", "ziekenhuis", "instelling"):
                kind = "ADRES"
            else:
                continue
            if annotation.text.lower() in self._allow:
                continue
            if kind == "ADRES" and not any(ch.isdigit() for ch in annotation.text):
                continue  # a bare place name ("Utrecht") is not an address
            found.append(Finding(kind, annotation.start_char, annotation.end_char))
        return found
