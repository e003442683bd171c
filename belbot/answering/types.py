"""The answer and everything it carries as evidence: citations, retrieval results, verdicts,
versions, parameters and timings. Stored whole, so any answer can be audited and replayed."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from belbot.guardrails.types import GuardrailVerdict, Redaction
from belbot.tagging.types import TagResult

AnswerPath = Literal["generated", "extractive", "refused"]
# A refusal by the guardrails carries this prefix before its category in path_reason.
GUARDRAIL_REASON = "guardrail: "


class GenerationParams(BaseModel):
    model_config = ConfigDict(frozen=True)

    max_tokens: int = Field(default=96, ge=1, le=1024)
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    top_k: int = Field(default=1, ge=0)
    top_p: float = Field(default=1.0, ge=0.0, le=1.0)
    repeat_penalty: float = Field(default=1.1, ge=0.5, le=2.0)
    seed: int = 42
    # The few-shot answers are one line: a newline ends the answer.
    stop: tuple[str, ...] = ("\n", "Vraag:", "Bronnen:", "[Einde]")

    def sampling(self) -> dict[str, object]:
        """The parameters as llama.cpp and OpenAI-compatible servers name them."""
        return {
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "top_k": self.top_k,
            "top_p": self.top_p,
            "repeat_penalty": self.repeat_penalty,
            "seed": self.seed,
            "stop": list(self.stop),
        }


class Generation(BaseModel):
    """What a backend returns: the raw text and how long each phase took."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str = ""
    ttft_ms: float = 0.0
    total_ms: float = 0.0


class Citation(BaseModel):
    """A numbered source: the passage shown under the answer, with its location."""

    marker: int = Field(ge=1)
    chunk_id: str
    doc_id: str
    title: str
    file_name: str
    section: str
    date: str | None = None
    publisher: str | None = None
    text: str
    start: int
    end: int
    line_start: int
    line_end: int


class RetrievedRecord(BaseModel):
    rank: int
    chunk_id: str
    score: float
    scores: dict[str, float]


class Verdict(BaseModel):
    check: str
    passed: bool
    detail: str = ""
    score: float | None = Field(
        default=None, description="The measured value behind the verdict, where there is one."
    )


class Timings(BaseModel):
    retrieval_ms: float = 0.0
    compose_ms: float = 0.0
    prompt_ms: float = 0.0
    prompt_processing_ms: float = 0.0
    generation_ms: float = 0.0
    verification_ms: float = 0.0
    total_ms: float = 0.0
    cpu_ms: float = Field(
        default=0.0,
        description="Process CPU time over the same span as total_ms (all threads, in-process "
        "model included); absent in records from before it was measured.",
    )


class ModelInfo(BaseModel):
    backend: str
    model_id: str
    sha256: str


class Answer(BaseModel):
    answer_id: str
    request_id: str
    conversation_id: str
    turn: int = Field(ge=1)
    question: str = Field(description="As stored: redacted once guardrails are in place.")
    resolved_query: str = Field(description="The question with follow-up context resolved.")
    text: str
    path: AnswerPath
    path_reason: str
    citations: list[Citation]
    retrieval: list[RetrievedRecord]
    verdicts: list[Verdict]
    model: ModelInfo
    index_version: str
    prompt_version: str
    params: GenerationParams
    config: dict[str, dict[str, object]] = Field(
        default_factory=dict, description="Answering and retrieval settings used, for replay."
    )
    timings: Timings
    redactions: list[Redaction] = Field(
        default_factory=list, description="Spans of the typed question replaced by placeholders."
    )
    guardrails: list[GuardrailVerdict] = Field(default_factory=list)
    policy_version: str = ""
    cached: bool = False
    cached_from: str | None = None
    created_at: str = ""
    tag: TagResult | None = Field(
        default=None, description="Topic of the (redacted) question; absent before tagging."
    )

    def cited_markers(self) -> list[int]:
        return [citation.marker for citation in self.citations]

    @property
    def path_class(self) -> str:
        """generated / extractive / refused (no evidence) / blocked (a guardrail refused)."""
        if self.path == "refused" and self.path_reason.startswith(GUARDRAIL_REASON):
            return "blocked"
        return self.path

    @property
    def support_min(self) -> float | None:
        """The weakest sentence support the verification measured; None when nothing ran."""
        scores = [v.score for v in self.verdicts if v.score is not None]
        return min(scores) if scores else None
