"""The LLM backend interface, and a deterministic fake for fast tests."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Protocol

from belbot.answering.types import Generation, GenerationParams


class Generator(Protocol):
    @property
    def backend(self) -> str: ...

    @property
    def model_id(self) -> str: ...

    @property
    def model_sha256(self) -> str:
        """Hash of the weights ('' when the server does not say)."""

    def warm_up(self) -> None: ...

    def generate(self, prompt: str, params: GenerationParams) -> Generation: ...

    def stream(self, prompt: str, params: GenerationParams) -> Iterator[str]:
        """Text pieces as they are produced."""


class FakeGenerator:
    """Answers by copying the first candidate line of the prompt, cited as it is numbered.

    Deterministic, instant, exercising parsing and verification like a real model. A list of
    ``scripted`` outputs, when given, is returned in turn instead (for tests of bad output)."""

    _CANDIDATE = re.compile(r"^\[(\d+)\] (.+)$", re.MULTILINE)

    def __init__(self, scripted: list[str] | None = None) -> None:
        self._scripted = list(scripted or [])
        self.prompts: list[str] = []

    @property
    def backend(self) -> str:
        return "fake"

    @property
    def model_id(self) -> str:
        return "fake-copy-first-candidate"

    @property
    def model_sha256(self) -> str:
        return hashlib.sha256(self.model_id.encode()).hexdigest()

    def warm_up(self) -> None:
        return None

    def _text(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if self._scripted:
            return self._scripted.pop(0)
        question_part = prompt.rsplit("Bronnen:", 1)[-1]
        match = self._CANDIDATE.search(question_part)
        if not match:
            return " Dit staat niet in de kennisbank."
        return f" {match.group(2).strip()} [{match.group(1)}]"

    def generate(self, prompt: str, params: GenerationParams) -> Generation:
        text = self._text(prompt)
        tokens = len(text.split())
        return Generation(
            text=text[: params.max_tokens * 8],
            prompt_tokens=len(prompt.split()),
            completion_tokens=tokens,
            finish_reason="stop",
        )

    def stream(self, prompt: str, params: GenerationParams) -> Iterator[str]:
        for word in self.generate(prompt, params).text.split(" "):
            yield word + " "
