"""Domain types shared by ingestion, retrieval and (later) answering. Owned here, not
borrowed from a framework."""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


def sha256_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


class DocumentInfo(BaseModel):
    """One source document with its provenance."""

    model_config = ConfigDict(frozen=True)

    doc_id: str = Field(description="First 16 hex digits of the sha256 of the raw file.")
    content_sha256: str
    file_name: str
    title: str
    date: str | None = None
    publisher: str | None = None


ChunkKind = Literal["text", "table", "qa"]


class Chunk(BaseModel):
    """A retrievable passage: an exact span of a cleaned document."""

    model_config = ConfigDict(frozen=True)

    chunk_id: str = Field(description="Content hash of document, section and text.")
    doc_id: str
    section: str = Field(description="Nearest heading (or 'Vraag N' for parliamentary Q&A).")
    text: str = Field(description="Exactly cleaned_document[start:end].")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    line_start: int = Field(ge=1, description="1-based first line in the cleaned document.")
    line_end: int = Field(ge=1)
    kind: ChunkKind = "text"
    context: str = Field(
        default="", description="Text prepended for indexing only (e.g. the question of a Q&A)."
    )

    @property
    def index_text(self) -> str:
        """What the lexical and dense indexes see."""
        parts = []
        if self.section and not self.text.startswith(self.section):
            parts.append(self.section)
        if self.context:
            parts.append(self.context)
        parts.append(self.text)
        return "\n".join(parts)


class Passage(BaseModel):
    """A retrieved chunk with its document and the scores that ranked it."""

    model_config = ConfigDict(frozen=True)

    chunk: Chunk
    document: DocumentInfo
    rank: int = Field(ge=1)
    score: float
    scores: dict[str, float] = Field(default_factory=dict, description="Per retriever.")
    ranks: dict[str, int] = Field(default_factory=dict, description="Per retriever, 1-based.")
