"""Guardrail findings and verdicts. A finding holds a span, never the personal data itself,
so it can be logged and stored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

PiiKind = Literal[
    "BSN", "IBAN", "TELEFOON", "E-MAIL", "POSTCODE", "ADRES", "NAAM", "GEBOORTEDATUM", "KENTEKEN"
]
# When two findings overlap, the more specific (validated) kind wins.
PRIORITY: dict[str, int] = {
    "BSN": 9, "IBAN": 9, "E-MAIL": 8, "TELEFOON": 7, "KENTEKEN": 6, "GEBOORTEDATUM": 6,
    "POSTCODE": 5, "ADRES": 4, "NAAM": 3,
}  # fmt: skip

Decision = Literal["allow", "injection", "scope"]


@dataclass(frozen=True)
class Finding:
    kind: PiiKind
    start: int
    end: int


class Redaction(BaseModel):
    """Where the agent's text was redacted (offsets in the text as typed) and with what."""

    kind: str
    start: int
    end: int
    placeholder: str


class GuardrailVerdict(BaseModel):
    check: str
    outcome: str
    detail: str = ""
    counts: dict[str, int] = Field(default_factory=dict)


class InputInspection(BaseModel):
    redacted: str
    redactions: list[Redaction]
    decision: Decision
    category: str = ""
    message: str = ""
    verdicts: list[GuardrailVerdict]
    policy_version: str
