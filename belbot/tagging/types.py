"""What the tagger returns for one question."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class TagResult(BaseModel):
    """One topic tag. ``confidence`` is the method's probability for the returned tag; a
    question that fell back to ``overig`` keeps the low probability that made it fall back, so
    a consumer can tell "clearly none of these" from "unsure"."""

    model_config = ConfigDict(frozen=True)

    tag: str = Field(min_length=1)
    label: str = Field(min_length=1)
    confidence: float = Field(ge=0.0, le=1.0)
    method: str = Field(min_length=1)
    taxonomy_version: str = Field(min_length=1)
