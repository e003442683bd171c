"""The question-tag taxonomy: a versioned TOML file (``knowledge/taxonomy/tags.toml``) read into
typed, validated objects. A bad file is a ``ConfigError`` naming the file and the problem, so a
typo in a keyword pattern stops start-up instead of silently tagging everything ``overig``."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from belbot.domain import sha256_hex
from belbot.errors import ConfigError

FALLBACK_TAG = "overig"


class _KeywordEntry(BaseModel):
    """A rule with its own weight, for terms that name a tag outright ("gedupeerd", "UHT")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pattern: str = Field(min_length=1)
    weight: float = Field(default=1.0, gt=0.0, le=10.0)


class _TagEntry(BaseModel):
    """One ``[[tags]]`` table as written; unknown keys are refused (a misspelt ``keyword``
    would otherwise be ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    description: str = Field(min_length=1)
    # A plain string is a rule of weight 1.
    keywords: list[str | _KeywordEntry] = Field(default_factory=list)
    examples: list[str] = Field(default_factory=list)

    @field_validator("keywords")
    @classmethod
    def _patterns_compile(cls, rules: list[str | _KeywordEntry]) -> list[str | _KeywordEntry]:
        for rule in rules:
            pattern = rule if isinstance(rule, str) else rule.pattern
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"ongeldig patroon {pattern!r}: {exc}") from exc
        return rules

    @field_validator("examples")
    @classmethod
    def _examples_not_blank(cls, examples: list[str]) -> list[str]:
        if any(not example.strip() for example in examples):
            raise ValueError("lege voorbeeldvraag")
        return examples


class _TaxonomyFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    tags: list[_TagEntry] = Field(min_length=2)


@dataclass(frozen=True)
class Keyword:
    pattern: re.Pattern[str]
    weight: float = 1.0


@dataclass(frozen=True)
class Tag:
    id: str
    label: str
    description: str
    keywords: tuple[Keyword, ...]
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    """``version`` is the file's version plus a hash of its bytes: an edit that forgot to raise
    the version still yields a different recorded version."""

    version: str
    tags: tuple[Tag, ...]

    @property
    def ids(self) -> list[str]:
        return [tag.id for tag in self.tags]

    @property
    def fallback(self) -> Tag:
        return self.get(FALLBACK_TAG)

    def get(self, tag_id: str) -> Tag:
        for tag in self.tags:
            if tag.id == tag_id:
                return tag
        raise KeyError(tag_id)


def parse_taxonomy(text: str, source: str = "<tekst>") -> Taxonomy:
    """A taxonomy from TOML text; ``source`` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Taxonomie {source} is geen geldige TOML: {exc}") from exc
    try:
        parsed = _TaxonomyFile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in exc.errors()
        )
        raise ConfigError(f"Taxonomie {source} is ongeldig: {problems}") from exc
    _check_tags(parsed.tags, source)
    tags = tuple(
        Tag(
            id=entry.id,
            label=entry.label,
            description=" ".join(entry.description.split()),
            keywords=tuple(_keyword(rule) for rule in entry.keywords),
            examples=tuple(entry.examples),
        )
        for entry in parsed.tags
    )
    return Taxonomy(version=f"{parsed.version}+{sha256_hex(text)[:8]}", tags=tags)


def _keyword(rule: str | _KeywordEntry) -> Keyword:
    # Matched on lower-cased, accent-folded text, so IGNORECASE is a safety net only.
    if isinstance(rule, str):
        return Keyword(re.compile(rule, re.IGNORECASE))
    return Keyword(re.compile(rule.pattern, re.IGNORECASE), rule.weight)


def _check_tags(entries: list[_TagEntry], source: str) -> None:
    ids = [entry.id for entry in entries]
    duplicates = sorted({tag_id for tag_id in ids if ids.count(tag_id) > 1})
    if duplicates:
        raise ConfigError(f"Taxonomie {source}: dubbele tag-id's {', '.join(duplicates)}")
    if FALLBACK_TAG not in ids:
        raise ConfigError(f"Taxonomie {source}: de tag '{FALLBACK_TAG}' ontbreekt")
    # Every real tag needs seed questions: without them it has no centroid and could only
    # ever be reached through its keywords.
    empty = [entry.id for entry in entries if entry.id != FALLBACK_TAG and not entry.examples]
    if empty:
        raise ConfigError(f"Taxonomie {source}: geen voorbeeldvragen bij {', '.join(empty)}")


def load_taxonomy(path: Path) -> Taxonomy:
    if not path.is_file():
        raise ConfigError(f"Taxonomiebestand niet gevonden: {path}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Taxonomiebestand {path} is niet te lezen: {exc}") from exc
    return parse_taxonomy(text, source=path.name)
