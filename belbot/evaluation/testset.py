"""Annotated test sets (JSON Lines) shared by every evaluation."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from belbot.errors import InvalidInputError


class TestCase(BaseModel):
    __test__ = False  # not a pytest class

    id: str
    question: str = Field(min_length=1)
    expected: str
    gold_quotes: list[str] = Field(default_factory=list)
    source: str = ""
    key_facts: list[str] = Field(default_factory=list)
    set: str
    pii: list[str] = Field(default_factory=list)
    placeholders: list[str] = Field(default_factory=list)
    decision: str = ""


def load_testset(path: Path) -> list[TestCase]:
    if not path.is_file():
        raise InvalidInputError(f"Testset niet gevonden: {path}")
    cases: list[TestCase] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            cases.append(TestCase.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise InvalidInputError(
                f"{path.name} regel {number}: ongeldig testgeval ({exc})"
            ) from exc
    if len({case.id for case in cases}) != len(cases):
        raise InvalidInputError(f"{path.name}: dubbele id's in de testset")
    return cases
