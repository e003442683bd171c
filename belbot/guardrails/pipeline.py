"""The guardrail pipeline: runs on every question before retrieval and on every answer before
it is shown. Redaction, injection and scope decisions are made here, in code, never by the
model. Rules and messages come from the versioned policy file."""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import time
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from belbot.domain import sha256_hex
from belbot.errors import ConfigError
from belbot.guardrails.detectors import (
    EMAIL,
    KENTEKEN,
    POSTCODE,
    POSTCODE_LOWER,
    AddressDetector,
    BirthDateDetector,
    BsnDetector,
    CueNameDetector,
    DeduceDetector,
    Detector,
    IbanDetector,
    PhoneDetector,
    RegexDetector,
)
from belbot.guardrails.redact import redact
from belbot.guardrails.types import (
    Decision,
    Finding,
    GuardrailVerdict,
    InputInspection,
    Redaction,
)
from belbot.settings import PROJECT_ROOT

DEFAULT_POLICY = PROJECT_ROOT / "guardrails" / "policy.toml"
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_SPACED = re.compile(r"(?:\b\w\b[ .]){4,}\b\w\b")
_OBFUSCATED = re.compile(r"(?:\b\w\b[ .]+){12,}")
_HEX = re.compile(r"(?:[0-9a-fA-F]{2}[ ]?){8,}")
_BASE64 = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
# Structured kinds are redacted even in source passages shown under an answer; names of
# officials in public documents are not personal data of a caller and stay.
STRUCTURED = {"BSN", "IBAN", "TELEFOON", "E-MAIL", "GEBOORTEDATUM", "KENTEKEN"}


@dataclass(frozen=True)
class Policy:
    version: str
    messages: dict[str, str]
    allow_phone: list[str]
    allow_names: list[str]
    injection: list[re.Pattern[str]]
    benign_context: list[re.Pattern[str]]
    scope: dict[str, list[re.Pattern[str]]]

    @classmethod
    def load(cls, path: Path = DEFAULT_POLICY) -> Policy:
        if not path.is_file():
            raise ConfigError(f"Guardrail-beleid niet gevonden: {path}")
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))

        def compile_all(patterns: list[str]) -> list[re.Pattern[str]]:
            return [re.compile(p, re.IGNORECASE | re.DOTALL) for p in patterns]

        return cls(
            version=f"{data['version']}+{sha256_hex(raw)[:8]}",
            messages=dict(data["messages"]),
            allow_phone=list(data["pii"]["allow_phone"]),
            allow_names=list(data["pii"]["allow_names"]),
            injection=compile_all(data["injection"]["patterns"]),
            benign_context=compile_all(data["injection"].get("benign_context", [])),
            scope={name: compile_all(p) for name, p in data["scope"].items()},
        )


def normalised_views(text: str) -> list[str]:
    """The text as typed and as de-obfuscated: accents and zero-width characters removed,
    leetspeak undone, s p a c e d letters joined, base64 fragments decoded."""
    plain = _ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", text))
    folded = "".join(
        ch for ch in unicodedata.normalize("NFKD", plain.lower()) if not unicodedata.combining(ch)
    )
    # The plain view keeps capitals, for patterns that are case-sensitive ("DAN").
    views = [plain, folded, folded.translate(_LEET)]
    # "n e g e e r  a l l e": letters spaced out, words apart by two spaces.
    words = re.split(r"\s{2,}", folded)
    if sum(len(w.replace(" ", "")) for w in words) > 0 and all(
        re.fullmatch(r"(?:\w )*\w", w.strip()) for w in words if w.strip()
    ):
        views.append(" ".join(w.replace(" ", "") for w in words))
    joined = _SPACED.sub(lambda m: m.group().replace(" ", "").replace(".", ""), folded)
    if joined != folded:
        views.append(re.sub(r"\s+", " ", joined))
    # ROT13 and hex are two more ways to smuggle an instruction past a filter.
    views.append(codecs.decode(folded, "rot13"))
    for fragment in _HEX.findall(plain):
        try:
            views.append(bytes.fromhex(fragment.replace(" ", "")).decode("utf-8").lower())
        except ValueError:
            continue
    for fragment in _BASE64.findall(plain):
        try:
            decoded = base64.b64decode(fragment + "=" * (-len(fragment) % 4), validate=True)
            views.append(decoded.decode("utf-8").lower())
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
    return views


_PLACEHOLDER = re.compile(
    r"(?:\b(?:met|en|van|op|via|mijn|zijn|haar|de|het)\s+)?"
    r"(?:\b(?:klant|beller|mevrouw|meneer|dhr\.?|mevr\.?|bsn|burgerservicenummer|sofinummer|"
    r"rekening(?:nummer)?|iban|tel(?:efoon(?:nummer)?)?\.?|mobiel|e-?mail|mail|adres|postcode|"
    r"woont op|kenteken|geboren op|geb\.?|geboortedatum|naam)\s*:?\s*)?"
    r"\[(?:BSN|IBAN|TELEFOON|E-MAIL|POSTCODE|ADRES|NAAM|GEBOORTEDATUM|KENTEKEN)\]"
)
_ASKS = re.compile(r"\b(?:vraagt|vraag|wil weten|vraagt zich af)\s*:\s*", re.IGNORECASE)


def retrieval_text(redacted: str) -> str:
    """The fiscal question inside a redacted agent note: placeholders and their lead-in words
    carry no meaning for retrieval ("Klant [NAAM] met bsn [BSN] vraagt: hoe ...")."""
    parts = _ASKS.split(redacted, maxsplit=1)
    text = parts[1] if len(parts) == 2 and len(parts[1]) >= 10 else redacted
    text = _PLACEHOLDER.sub(" ", text)
    return " ".join(text.replace(" ,", ",").split()).strip(" ,;:") or redacted


class GuardrailPipeline:
    def __init__(self, policy: Policy, detectors: list[Detector]) -> None:
        self._policy = policy
        self._detectors = detectors

    @classmethod
    def default(
        cls, policy_path: Path = DEFAULT_POLICY, use_deduce: bool = True
    ) -> GuardrailPipeline:
        policy = Policy.load(policy_path)
        detectors: list[Detector] = [
            BsnDetector(),
            IbanDetector(),
            PhoneDetector(policy.allow_phone),
            RegexDetector("E-MAIL", EMAIL),
            RegexDetector("POSTCODE", POSTCODE),
            RegexDetector("POSTCODE", POSTCODE_LOWER),
            RegexDetector("KENTEKEN", KENTEKEN),
            BirthDateDetector(),
            AddressDetector(),
        ]
        if use_deduce:
            names = DeduceDetector(policy.allow_names)
            detectors += [names, CueNameDetector(names.known_name)]
        else:
            detectors.append(CueNameDetector())
        return cls(policy, detectors)

    @property
    def policy_version(self) -> str:
        return self._policy.version

    def message(self, name: str) -> str:
        return self._policy.messages[name]

    def warm_up(self) -> None:
        for detector in self._detectors:
            warm = getattr(detector, "warm_up", None)
            if callable(warm):
                warm()

    # -- personal data ---------------------------------------------------------------------

    def findings(self, text: str, kinds: set[str] | None = None) -> list[Finding]:
        """Findings of every detector, or only of those that can report ``kinds``."""
        found: list[Finding] = []
        for detector in self._detectors:
            if kinds is None or detector.kinds & kinds:
                found.extend(f for f in detector.find(text) if kinds is None or f.kind in kinds)
        allowed = {name.lower() for name in self._policy.allow_names}
        return [f for f in found if text[f.start : f.end].lower() not in allowed]

    def redact(self, text: str, kinds: set[str] | None = None) -> tuple[str, list[Redaction]]:
        return redact(text, self.findings(text, kinds))

    # -- injection and scope ----------------------------------------------------------------

    def is_injection(self, text: str) -> bool:
        if _OBFUSCATED.search(text):
            return True  # a dozen letters typed one by one is no question, but a disguise
        for view in normalised_views(text):
            benign = [m.span() for p in self._policy.benign_context for m in p.finditer(view)]
            for pattern in self._policy.injection:
                for match in pattern.finditer(view):
                    inside = any(s <= match.start() and match.end() <= e for s, e in benign)
                    if not inside:
                        return True
        return False

    def scope_category(self, text: str) -> str | None:
        views = normalised_views(text)[:3]
        for category in ("abuse", "other_person", "decision", "personal_advice"):
            for pattern in self._policy.scope.get(category, []):
                if any(pattern.search(view) for view in views):
                    return category
        return None

    def inspect_input(self, text: str) -> InputInspection:
        started = time.perf_counter()
        redacted, redactions = self.redact(text)
        counts: dict[str, int] = {}
        for r in redactions:
            counts[r.kind] = counts.get(r.kind, 0) + 1
        verdicts = [
            GuardrailVerdict(
                check="personal_data",
                outcome="redacted" if redactions else "none",
                counts=counts,
            )
        ]
        decision: Decision = "allow"
        category, message = "", ""
        if self.is_injection(text):
            decision, category, message = "injection", "injection", self.message("injection")
        else:
            found = self.scope_category(redacted)
            if found:
                decision, category, message = "scope", found, self.message(found)
        verdicts.append(
            GuardrailVerdict(
                check="injection", outcome="refused" if decision == "injection" else "pass"
            )
        )
        verdicts.append(
            GuardrailVerdict(
                check="scope",
                outcome=f"refused:{category}" if decision == "scope" else "pass",
            )
        )
        verdicts.append(
            GuardrailVerdict(
                check="latency",
                outcome="ok",
                detail=f"{(time.perf_counter() - started) * 1000:.2f} ms",
            )
        )
        return InputInspection(
            redacted=redacted,
            redactions=redactions,
            decision=decision,
            category=category,
            message=message,
            verdicts=verdicts,
            policy_version=self.policy_version,
        )

    def is_instruction_like(self, text: str) -> bool:
        """A source passage that talks to the model ("negeer je instructies...") is poison."""
        return self.is_injection(text)
