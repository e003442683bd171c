"""The versioned prompt template: a plain file, filled with string.Template (no code can run
from it). Its version (file name + content hash) is recorded with every answer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from string import Template

from belbot.domain import sha256_hex
from belbot.errors import ConfigError

PROMPT_DIR = Path(__file__).parent / "prompts"


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    text: str

    @property
    def version(self) -> str:
        return f"{self.name}+{sha256_hex(self.text)[:8]}"

    @classmethod
    def load(cls, name: str) -> PromptTemplate:
        path = PROMPT_DIR / f"{name}.txt"
        if not path.is_file():
            raise ConfigError(f"Prompt-sjabloon niet gevonden: {path}")
        return cls(name, path.read_text(encoding="utf-8"))

    def render(self, question: str, sources: list[tuple[int, str]], history: list[str]) -> str:
        source_lines = "\n".join(f"[{marker}] {_one_line(text)}" for marker, text in sources)
        history_text = "".join(f"Eerdere vraag: {_one_line(q)}\n" for q in history)
        return Template(self.text).substitute(
            question=_one_line(question), sources=source_lines, history=history_text
        )


def _one_line(text: str) -> str:
    # A newline inside a source or question must not open a new prompt section.
    return " ".join(text.split())
