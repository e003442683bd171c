"""Detectors of Dutch personal data. Each finds spans; the pipeline redacts them.

Structured kinds use validating libraries (python-stdnum for the BSN eleven-test and IBAN
mod-97, phonenumbers for Dutch numbers) behind candidate regexes; names and places use
`deduce` (Dutch de-identification) plus cue-word rules for what it misses."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from belbot.guardrails.types import Finding, PiiKind


class Detector(Protocol):
    @property
    def kinds(self) -> frozenset[str]:
        """The kinds of personal data this detector can report."""

    def find(self, text: str) -> list[Finding]: ...


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@dataclass(frozen=True)
class RegexDetector:
    kind: PiiKind
    pattern: re.Pattern[str]
    group: int = 0

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset({self.kind})

    def find(self, text: str) -> list[Finding]:
        return [
            Finding(self.kind, m.start(self.group), m.end(self.group))
            for m in self.pattern.finditer(text)
        ]


class BsnDetector:
    kinds = frozenset({"BSN"})

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
    kinds = frozenset({"IBAN"})

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
                if iban.is_valid(compact, check_country=False):
                    found.append(Finding("IBAN", match.start(), match.start() + len(candidate)))
                    break
                if " " not in candidate:
                    break
                candidate = candidate.rsplit(" ", 1)[0]
        return found


class PhoneDetector:
    """phonenumbers' VALID matcher, plus a fallback for numbers in unallocated ranges that are
    still clearly phone numbers (start with 0, +31 or 0031 and have 10 digits)."""

    kinds = frozenset({"TELEFOON"})

    _FALLBACK = re.compile(
        r"(?<![\w+])(?:\+31|0031|0)[ \-]?(?:\(0\))?[ \-]?(?:\d[ \-]?){8}\d(?!\w)"
    )

    def __init__(self, allow: list[str]) -> None:
        self._allow = {_digits(number) for number in allow}

    def find(self, text: str) -> list[Finding]:
        import phonenumbers

        found = []
        for match in phonenumbers.PhoneNumberMatcher(text, "NL", phonenumbers.Leniency.VALID):
            # A Dutch number is written with its trunk 0 or an international prefix; nine bare
            # digits in a valid range ("kenmerk 319000000") are a reference, not a phone.
            if not match.raw_string.lstrip("(").startswith(("0", "+")):
                continue
            if _digits(match.raw_string) not in self._allow:
                found.append(Finding("TELEFOON", match.start, match.end))
        for m in self._FALLBACK.finditer(text):
            digits = _digits(m.group())
            national = digits[2:] if digits.startswith("31") else digits.lstrip("0")
            if len(national) == 9 and digits not in self._allow:
                found.append(Finding("TELEFOON", m.start(), m.end()))
        return found


EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Dutch postcode: four digits (not starting with 0), upper-case letters, never SA/SD/SS.
POSTCODE = re.compile(r"\b[1-9]\d{3}[ ]?(?!SA|SD|SS)[A-Z]{2}\b")
# Lower case only when it cannot be a year or a number followed by a short word ("2023 en").
POSTCODE_LOWER = re.compile(
    r"\b(?!19\d\d|20\d\d)[1-9]\d{3} ?"
    r"(?!sa|sd|ss|en|of|in|op|te|de|al|is|na|om|nu|ja|zo|er|ik|je|we|ze|bv)[a-z]{2}\b"
)
KENTEKEN = re.compile(
    r"\b(?:[A-Z]{2}-\d{2}-\d{2}|\d{2}-\d{2}-[A-Z]{2}|\d{2}-[A-Z]{2}-\d{2}|[A-Z]{2}-\d{2}-[A-Z]{2}"
    r"|[A-Z]{2}-[A-Z]{2}-\d{2}|\d{2}-[A-Z]{2}-[A-Z]{2}|\d{2}-[A-Z]{3}-\d|\d-[A-Z]{3}-\d{2}"
    r"|[A-Z]{2}-\d{3}-[A-Z]|[A-Z]-\d{3}-[A-Z]{2}|[A-Z]{3}-\d{2}-[A-Z]|[A-Z]-\d{2}-[A-Z]{3}"
    r"|\d-[A-Z]{2}-\d{3}|\d{3}-[A-Z]{2}-\d)\b",
    re.IGNORECASE,
)
_MONTH = (
    r"(?:jan(?:uari)?|feb(?:ruari)?|maart|mrt|apr(?:il)?|mei|juni?|juli?|aug(?:ustus)?|"
    r"sep(?:t(?:ember)?)?|okt(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    r"(?:\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)?\d{2}|(?:19|20)\d{2}-\d{2}-\d{2}"
    r"|\d{1,2} " + _MONTH + r"\.? (?:19|20)\d{2})"
)
_BIRTH_DATE = re.compile(
    r"(?:geboren(?: op)?|geb\.?(?: ?datum)?|geboortedatum|geboortedag)\b[^\d\n]{0,20}?("
    + _DATE
    + r")",
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
    kinds = frozenset({"GEBOORTEDATUM"})

    def find(self, text: str) -> list[Finding]:
        return [Finding("GEBOORTEDATUM", m.start(1), m.end(1)) for m in _BIRTH_DATE.finditer(text)]


class AddressDetector:
    kinds = frozenset({"ADRES"})

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
    "woont", "woon", "moet", "mag", "gaat", "staat", "weet", "denkt", "meldt", "stuurt",
    "betaalt", "ontvangt", "verhuist", "werkt", "zit", "had", "heb", "ben", "belde", "vroeg",
    "goed", "hier", "daar", "nu", "zelf", "morgen", "vandaag", "gisteren", "boos", "net",
}  # fmt: skip


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_DUTCH

    return frozenset(STOPWORDS_DUTCH) | _NOT_NAMES


class CueNameDetector:
    """A name right after a cue word ("mevrouw De Vries", "klant Fatima el Amrani"). Typed in
    lower case ("klant jan de vries") it counts only when ``known_name`` recognises the first
    word as a first name or surname (deduce's lookup lists), so "klant goed" is no name."""

    kinds = frozenset({"NAAM"})

    def __init__(self, known_name: Callable[[str], bool] | None = None) -> None:
        self._known = known_name

    def find(self, text: str) -> list[Finding]:
        found = []
        position = 0
        # Searched by hand so cues may overlap: "klant mevrouw Jansen" tries both cues.
        while (match := _CUE_NAME.search(text, position)) is not None:
            position = match.start(1)
            words = match.group(1).split(" ")
            lower = not words[0][:1].isupper() and not _is_particle(words[0])
            if lower and self._known is None:
                continue
            kept: list[str] = []
            for word in words:
                bare = word.strip(".,")
                if bare.lower() in _common_words() and not _is_particle(bare):
                    break
                if _is_particle(bare):
                    kept.append(word)
                    continue
                if lower and not (self._known and self._known(bare.title())):
                    break
                if not lower and not bare[:1].isupper():
                    break
                kept.append(word)
            while kept and _is_particle(kept[-1]):
                kept.pop()
            if not kept:
                continue
            start = match.start(1)
            found.append(Finding("NAAM", start, start + len(" ".join(kept))))
            position = start + len(" ".join(kept))
        return found


def _is_particle(word: str) -> bool:
    return bool(re.fullmatch(_PARTICLES, word, re.IGNORECASE))


class DeduceDetector:
    """Names and places from `deduce`; its number and date tags are not used (they would
    remove amounts and dates the fiscal question needs)."""

    kinds = frozenset({"NAAM", "ADRES"})

    def __init__(self, allow: list[str], cache_path: str | None = None) -> None:
        self._allow = {a.lower() for a in allow}
        self._cache_path = cache_path
        self._model: Any = None

    def warm_up(self) -> None:
        if self._model is None:
            from deduce import Deduce

            self._model = Deduce(cache_path=self._cache_path) if self._cache_path else Deduce()

    def known_name(self, word: str) -> bool:
        """Whether ``word`` (title case) is in deduce's first-name or surname lists."""
        self.warm_up()
        lookups = self._model.lookup_structs
        return bool(
            lookups["first_name"].__contains__([word]) or lookups["surname"].__contains__([word])
        )

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
            starts_sentence = not text[: annotation.start_char].strip() or text[
                : annotation.start_char
            ].rstrip().endswith((".", "?", "!", ":"))
            if kind == "NAAM" and " " not in annotation.text and starts_sentence:
                continue  # "Keur de regeling goed": capitalised because it starts a sentence
            if kind == "ADRES" and not any(ch.isdigit() for ch in annotation.text):
                continue  # a bare place name ("Utrecht") is not an address
            found.append(Finding(kind, annotation.start_char, annotation.end_char))
        return found
