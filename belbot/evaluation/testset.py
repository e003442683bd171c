"""Annotated test sets (JSON Lines) shared by every evaluation.

A line has ``id``, ``question``, ``expected`` ("answer" or "refuse"), ``gold_answer``,
``gold_quotes``, ``source``, ``key_facts``, ``set`` and optionally ``pii`` and ``paraphrase_of``.
Unknown fields are kept. Older lines that carried the gold answer in ``expected`` (the guardrail
sets) are read as such: the text becomes ``gold_answer`` and ``expected`` is derived."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from belbot.errors import InvalidInputError

Expected = Literal["answer", "refuse"]


class TestCase(BaseModel):
    __test__ = False  # not a pytest class
    model_config = ConfigDict(extra="allow")

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    expected: Expected
    gold_answer: str = ""
    gold_quotes: list[str] = Field(default_factory=list)
    source: str = ""
    key_facts: list[str] = Field(default_factory=list)
    set: str = Field(min_length=1)
    pii: list[str] = Field(default_factory=list)
    paraphrase_of: str | None = None
    placeholders: list[str] = Field(default_factory=list)
    decision: str = ""

    @model_validator(mode="before")
    @classmethod
    def _legacy_expected(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        expected = data.get("expected")
        if isinstance(expected, str) and expected not in ("answer", "refuse"):
            answerable = bool(data.get("gold_quotes") or data.get("key_facts"))
            refused = data.get("set") == "unanswerable" or data.get("decision") == "refuse"
            data = {
                **data,
                "gold_answer": data.get("gold_answer") or expected,
                "expected": "answer" if answerable and not refused else "refuse",
            }
        return data

    @property
    def expects_refusal(self) -> bool:
        return self.expected == "refuse"


M = TypeVar("M", bound=BaseModel)


def read_records(path: Path, model: type[M]) -> Iterator[tuple[int, M | ValueError]]:
    """Each non-blank line of a JSON Lines file with its number: the parsed record, or the
    error (invalid JSON or a failed validation) for the caller to raise or report."""
    if not path.is_file():
        raise InvalidInputError(f"Testset niet gevonden: {path}")
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, model.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValidationError) as exc:
            yield number, exc


def first_line(error: ValueError) -> str:
    return str(error).splitlines()[0]


def load_testset(path: Path) -> list[TestCase]:
    """A whole test set, strictly: the first malformed line is an error."""
    cases: list[TestCase] = []
    for number, case in read_records(path, TestCase):
        if isinstance(case, ValueError):
            raise InvalidInputError(
                f"{path.name} regel {number}: ongeldig testgeval ({case})"
            ) from case
        cases.append(case)
    if len({case.id for case in cases}) != len(cases):
        raise InvalidInputError(f"{path.name}: dubbele id's in de testset")
    return cases


def load_testsets_lenient(paths: list[Path]) -> tuple[list[TestCase], list[str]]:
    """Cases from several files; a malformed line (or a repeated id) is reported with its file
    and line number and skipped, so one bad line does not stop a long run."""
    cases: list[TestCase] = []
    problems: list[str] = []
    seen: set[str] = set()
    for path in paths:
        for number, case in read_records(path, TestCase):
            if isinstance(case, ValueError):
                problems.append(f"{path.name} regel {number}: {first_line(case)}")
            elif case.id in seen:
                problems.append(f"{path.name} regel {number}: id {case.id!r} komt al voor")
            else:
                seen.add(case.id)
                cases.append(case)
    return cases, problems
