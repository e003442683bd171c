"""One question's path: retrieve, gather evidence, (optionally) let the model phrase it,
verify, fall back, record. The same service serves the CLI, the API, evaluation and replay."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import structlog

from belbot.answering import evidence as ev
from belbot.answering.followup import resolve
from belbot.answering.generator import Generator
from belbot.answering.prompt import PromptTemplate
from belbot.answering.types import (
    GUARDRAIL_REASON,
    Answer,
    AnswerPath,
    Citation,
    GenerationParams,
    ModelInfo,
    RetrievedRecord,
    Timings,
    Verdict,
)
from belbot.answering.verify import all_passed, clean_generation, markers_in, verify_answer
from belbot.domain import Passage, sha256_hex
from belbot.errors import InvalidInputError, ModelUnavailableError
from belbot.guardrails.pipeline import STRUCTURED, GuardrailPipeline, retrieval_text
from belbot.guardrails.types import InputInspection
from belbot.logs import get_logger
from belbot.retrieval.retriever import Retriever
from belbot.settings import AnsweringSettings
from belbot.store.store import ConversationStore
from belbot.tagging.types import TagResult

log = get_logger(__name__)

REFUSAL_TEXT = (
    "Dit staat niet in de kennisbank. Hieronder staan de passages die er het dichtst bij komen; "
    "controleer zelf of ze de vraag beantwoorden."
)
MAX_QUESTION_CHARS = 2000
UNAVAILABLE_REASON = "zonder samenvatting: het taalmodel is niet beschikbaar"
# Reasons recorded with a path; the operational report counts answers by them.
LLM_OFF_REASON = "taalmodel uitgeschakeld"
REJECTED_REASON = "modelantwoord afgekeurd: "


@dataclass
class _Draft:
    """What one run of the pipeline produced, before it is recorded."""

    answer: Answer
    prompt: str = ""
    raw_output: str = ""
    tokens: list[str] = field(default_factory=list)


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)


def _cpu_ms(start: float) -> float:
    return round((time.process_time() - start) * 1000, 2)


def _citation(marker: int, passage: Passage) -> Citation:
    chunk, doc = passage.chunk, passage.document
    return Citation(
        marker=marker,
        chunk_id=chunk.chunk_id,
        doc_id=doc.doc_id,
        title=doc.title,
        file_name=doc.file_name,
        section=chunk.section,
        date=doc.date,
        publisher=doc.publisher,
        text=chunk.text,
        start=chunk.start,
        end=chunk.end,
        line_start=chunk.line_start,
        line_end=chunk.line_end,
    )


class QuestionTagger(Protocol):
    def warm_up(self) -> None: ...

    def tag(self, text: str) -> TagResult: ...


class AnswerService:
    def __init__(
        self,
        retriever: Retriever,
        generator: Generator,
        settings: AnsweringSettings,
        store: ConversationStore | None = None,
        guardrails: GuardrailPipeline | None = None,
        tagger: QuestionTagger | None = None,
    ) -> None:
        self._retriever = retriever
        self._tagger = tagger
        self._generator = generator
        self._settings = settings
        self._store = store
        self._guardrails = guardrails
        self._template = PromptTemplate.load(settings.prompt_template)

    @property
    def params(self) -> GenerationParams:
        return GenerationParams(max_tokens=self._settings.max_tokens, seed=self._settings.seed)

    @property
    def model_info(self) -> ModelInfo:
        return ModelInfo(
            backend=self._generator.backend,
            model_id=self._generator.model_id,
            sha256=self._generator.model_sha256,
        )

    @property
    def prompt_version(self) -> str:
        return self._template.version

    @property
    def evidence_passages(self) -> int:
        return self._settings.passages

    @property
    def support_threshold(self) -> float:
        return self._settings.support_threshold

    @property
    def retriever(self) -> Retriever:
        return self._retriever

    def use_retriever(self, retriever: Retriever) -> None:
        """Switch to another index version (after re-ingestion); warmed before the switch so
        no request waits on it, and a request in flight keeps the retriever it started with."""
        retriever.warm_up()
        _ = retriever.term_stats
        self._retriever = retriever

    @property
    def guardrails(self) -> GuardrailPipeline | None:
        return self._guardrails

    @property
    def store(self) -> ConversationStore | None:
        return self._store

    def warm_up(self) -> None:
        self._retriever.warm_up()
        _ = self._retriever.term_stats
        if self._settings.use_llm:
            self._generator.warm_up()
        if self._store is not None:
            self._store.warm_up()
        if self._guardrails is not None:
            self._guardrails.warm_up()
        if self._tagger is not None:
            self._tagger.warm_up()

    def config(self) -> dict[str, dict[str, object]]:
        """The settings an answer records for replay."""
        return {
            "answering": self._settings.model_dump(mode="json"),
            "retrieval": self._retriever.settings.model_dump(mode="json"),
        }

    @property
    def tagger(self) -> QuestionTagger | None:
        return self._tagger

    def _tagged(self, answer: Answer) -> Answer:
        """The topic of the question as answered (redacted, follow-up context resolved)."""
        if self._tagger is None:
            return answer
        return answer.model_copy(update={"tag": self._tagger.tag(answer.resolved_query)})

    # -- public entry points -------------------------------------------------------------

    def ask(
        self,
        question: str,
        conversation_id: str | None = None,
        use_cache: bool = True,
        agent_id: str = "",
        record: bool = True,
    ) -> Answer:
        """Answer, record and return. ``conversation_id`` continues a conversation; ``record``
        False starts one of which only counters are kept ("niet bewaren")."""
        draft = None
        for event in self.ask_stream(question, conversation_id, use_cache, agent_id, record):
            if isinstance(event, Answer):
                draft = event
        assert draft is not None
        return draft

    def ask_stream(
        self,
        question: str,
        conversation_id: str | None = None,
        use_cache: bool = True,
        agent_id: str = "",
        record: bool = True,
    ) -> Iterator[str | Answer]:
        """Yields draft text pieces while the model writes, then the verified Answer."""
        if not question.strip():
            raise InvalidInputError("De vraag is leeg.")
        if len(question) > MAX_QUESTION_CHARS:
            raise InvalidInputError(f"De vraag is te lang (maximaal {MAX_QUESTION_CHARS} tekens).")
        request_id = uuid.uuid4().hex
        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            # Personal data is replaced before anything else sees the question: retrieval, the
            # prompt, the logs, the cache key and the store only ever get the redacted text.
            # Inspected as typed: redaction offsets point into the agent's own text, and
            # spacing tricks are still visible.
            inspection = self._inspect(question)
            if inspection is not None:
                question = inspection.redacted
            question = " ".join(question.split())
            store = self._store
            if conversation_id is not None and (
                store is None or not store.conversation_exists(conversation_id)
            ):
                raise InvalidInputError(f"Gesprek {conversation_id} bestaat niet.")
            if conversation_id is None:
                conversation_id = (
                    store.new_conversation(agent_id, retain=record) if store else uuid.uuid4().hex
                )
            history = store.history(conversation_id) if store else []
            turn = len(history) + 1
            log.info(
                "question.received",
                conversation_id=conversation_id,
                turn=turn,
                chars=len(question),
                redactions=len(inspection.redactions) if inspection else 0,
                decision=inspection.decision if inspection else "allow",
            )
            if inspection is not None and inspection.decision != "allow":
                refusal = self._tagged(
                    self._guardrail_refusal(inspection, request_id, conversation_id, turn)
                )
                if store is not None:
                    store.save(refusal, "", "", None, None)
                log.info("answer.returned", answer_id=refusal.answer_id, path=refusal.path,
                         guardrail=inspection.category)  # fmt: skip
                yield refusal
                return
            cached = (
                self._from_cache(question, history, request_id, conversation_id, turn)
                if use_cache
                else None
            )
            if cached is not None:
                yield cached.answer
                return
            draft: _Draft | None = None
            for item in self._run(question, history, request_id, conversation_id, turn, inspection):
                if isinstance(item, _Draft):
                    draft = item
                else:
                    yield item
            assert draft is not None
            draft = _Draft(self._tagged(draft.answer), draft.prompt, draft.raw_output)
            if store is not None:
                # An answer made while the model was unavailable is not reused: once the
                # model is back, the same question gets a summarised answer again.
                degraded = draft.answer.path_reason == UNAVAILABLE_REASON
                keys = (None, None) if degraded else self._cache_keys(question, history)
                store.save(draft.answer, draft.prompt, draft.raw_output, *keys)
            log.info("answer.returned", answer_id=draft.answer.answer_id, path=draft.answer.path,
                     latency_ms=draft.answer.timings.total_ms)  # fmt: skip
            yield draft.answer
        finally:
            structlog.contextvars.unbind_contextvars("request_id")

    def rerun(self, question: str, history: list[str]) -> tuple[Answer, str, str]:
        """The pipeline without cache or recording, for replay: (answer, prompt, raw output)."""
        draft = None
        for item in self._run(question, history, "replay", "replay", len(history) + 1):
            if isinstance(item, _Draft):
                draft = item
        assert draft is not None
        return draft.answer, draft.prompt, draft.raw_output

    # -- the pipeline ----------------------------------------------------------------------

    def _inspect(self, question: str) -> InputInspection | None:
        if self._guardrails is None:
            return None
        started = time.perf_counter()
        inspection = self._guardrails.inspect_input(question)
        log.info("guardrails.input", decision=inspection.decision, category=inspection.category,
                 counts=inspection.verdicts[0].counts, latency_ms=_ms(started))  # fmt: skip
        return inspection

    def _guardrail_refusal(
        self, inspection: InputInspection, request_id: str, conversation_id: str, turn: int
    ) -> Answer:
        return Answer(
            **self._base(
                inspection.redacted,
                inspection.redacted,
                request_id,
                conversation_id,
                turn,
                [],
                inspection,
            ),
            text=inspection.message,
            path="refused",
            path_reason=f"{GUARDRAIL_REASON}{inspection.category}",
            citations=[],
            verdicts=[Verdict(check=f"guardrail_{inspection.category}", passed=False)],
            timings=Timings(),
        )

    def _base(
        self,
        question: str,
        query: str,
        request_id: str,
        conversation_id: str,
        turn: int,
        passages: list[Passage],
        inspection: InputInspection | None,
    ) -> dict[str, Any]:
        return {
            "answer_id": uuid.uuid4().hex,
            "request_id": request_id,
            "conversation_id": conversation_id,
            "turn": turn,
            "question": question,
            "resolved_query": query,
            "retrieval": [
                RetrievedRecord(
                    rank=p.rank, chunk_id=p.chunk.chunk_id, score=p.score, scores=p.scores
                )
                for p in passages
            ],
            "model": self.model_info,
            "index_version": self._retriever.index.version_id,
            "prompt_version": self._template.version,
            "params": self.params,
            "config": self.config(),
            "redactions": inspection.redactions if inspection else [],
            "guardrails": inspection.verdicts if inspection else [],
            "policy_version": self._guardrails.policy_version if self._guardrails else "",
            "created_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        }

    def _run(
        self,
        question: str,
        history: list[str],
        request_id: str,
        conversation_id: str,
        turn: int,
        inspection: InputInspection | None = None,
    ) -> Iterator[str | _Draft]:
        started = time.perf_counter()
        # Process CPU time, the cost measure: it counts llama.cpp's worker threads, which
        # thread_time would miss, but also whatever concurrent requests burn meanwhile, so
        # under load it overstates one answer. A model behind an HTTP server is not counted.
        cpu_started = time.process_time()
        timings = Timings()
        query, follow_up = resolve(retrieval_text(question), history)

        t0 = time.perf_counter()
        passages = self._retriever.search(query, k=self._settings.passages)
        timings.retrieval_ms = _ms(t0)
        log.info("retrieval.done", k=len(passages), chunk_ids=[p.chunk.chunk_id for p in passages],
                 latency_ms=timings.retrieval_ms)  # fmt: skip
        guard_verdicts: list[Verdict] = []
        if self._guardrails is not None:
            # A passage that talks to the model is poison: it never reaches evidence or prompt.
            poisoned = [p for p in passages if self._guardrails.is_instruction_like(p.chunk.text)]
            if poisoned:
                passages = [p for p in passages if p not in poisoned]
                guard_verdicts.append(Verdict(
                    check="instruction_like_passages_removed", passed=True,
                    detail=", ".join(p.chunk.chunk_id for p in poisoned),
                ))  # fmt: skip
                log.warning("guardrails.poisoned_passage", count=len(poisoned),
                            chunk_ids=[p.chunk.chunk_id for p in poisoned])  # fmt: skip

        t0 = time.perf_counter()
        evidence = ev.gather(
            self._retriever.term_stats,
            query,
            passages,
            follow_up,
            self._settings.answer_threshold,
            self._retriever.embedder,
            ev.DenseScale(
                self._settings.dense_weight,
                self._settings.dense_floor,
                self._settings.dense_span,
                self._settings.rerank_candidates,
            ),
        )
        timings.compose_ms = _ms(t0)
        base = self._base(question, query, request_id, conversation_id, turn, passages, inspection)
        if not evidence.answerable:
            timings.total_ms = _ms(started)
            timings.cpu_ms = _cpu_ms(cpu_started)
            answer = Answer(
                **base,
                text=REFUSAL_TEXT,
                path="refused",
                path_reason=evidence.reason,
                citations=[self._cite(i, p) for i, p in enumerate(passages[:3], start=1)],
                verdicts=[
                    *guard_verdicts,
                    Verdict(check="answerable", passed=False, detail=evidence.reason),
                ],
                timings=timings,
            )
            yield _Draft(answer)
            return

        extractive = ev.extractive_selection(evidence)
        prompt, raw, verdicts = (
            "",
            "",
            [Verdict(check="answerable", passed=True, detail=evidence.reason)],
        )
        generated_text: str | None = None
        unavailable = False
        given = {i: p.chunk.text for i, p in enumerate(passages, start=1)}
        if self._settings.use_llm:
            t0 = time.perf_counter()
            prompt = self._prompt(evidence, history[-1:] if follow_up else [], question)
            timings.prompt_ms = _ms(t0)
            log.info("prompt.built", prompt_version=self._template.version, chars=len(prompt))
            # Streamed: the agent sees a draft while the model writes; what is shown at the
            # end is only ever the verified answer.
            t0 = time.perf_counter()
            pieces: list[str] = []
            try:
                for piece in self._generator.stream(prompt, self.params):
                    if not pieces:
                        timings.prompt_processing_ms = _ms(t0)
                    pieces.append(piece)
                    yield piece
            except ModelUnavailableError as exc:
                # The agent still gets the quoted sources, flagged as without a summary.
                log.warning("generation.unavailable", error=exc.code)
                unavailable = True
                pieces = []
            raw = "".join(pieces)
            timings.generation_ms = round(_ms(t0) - timings.prompt_processing_ms, 2)
            log.info("generation.done", tokens=len(pieces), ttft_ms=timings.prompt_processing_ms,
                     latency_ms=round(_ms(t0), 2))  # fmt: skip
        if self._settings.use_llm and not unavailable:
            t0 = time.perf_counter()
            generated_text = clean_generation(raw)
            checks = verify_answer(
                generated_text, given, self._retriever.term_stats, self._settings.support_threshold
            )
            checks.append(self._answers_question(evidence, query, follow_up, generated_text))
            timings.verification_ms = _ms(t0)
            verdicts += checks
            log.info("verification.done", passed=all_passed(checks),
                     failed=[v.check for v in checks if not v.passed])  # fmt: skip

        path: AnswerPath
        if generated_text is not None and all_passed(verdicts):
            text, path, reason = (
                generated_text,
                "generated",
                "modelantwoord doorstaat alle controles",
            )
            cited = sorted(set(markers_in(text)))
        else:
            text = " ".join(f"«{ev.display_text(c.text)}» [{c.marker}]" for c in extractive)
            cited = sorted({c.marker for c in extractive})
            path = "extractive"
            reason = (
                UNAVAILABLE_REASON
                if unavailable
                else LLM_OFF_REASON
                if generated_text is None
                else REJECTED_REASON + ", ".join(v.check for v in verdicts if not v.passed)
            )
            # The extractive answer is checked by the same rules; it quotes, so it passes.
            t0 = time.perf_counter()
            own = verify_answer(text.replace("«", "").replace("»", ""), given,
                                self._retriever.term_stats, 0.0)  # fmt: skip
            verdicts += [
                Verdict(check=f"extractive_{v.check}", passed=v.passed, detail=v.detail)
                for v in own
            ]
            timings.verification_ms += _ms(t0)
        if self._guardrails is not None:
            # No personal data in an answer, even when a source contained it.
            text, found = self._guardrails.redact(text)
            verdicts.append(
                Verdict(
                    check="output_personal_data",
                    passed=True,
                    detail=f"{len(found)} vervangen" if found else "geen",
                )
            )
        timings.total_ms = _ms(started)
        timings.cpu_ms = _cpu_ms(cpu_started)
        answer = Answer(
            **base,
            text=text,
            path=path,
            path_reason=reason,
            citations=[self._cite(m, passages[m - 1]) for m in cited],
            verdicts=guard_verdicts + verdicts,
            timings=timings,
        )
        yield _Draft(answer, prompt, raw)

    def _cite(self, marker: int, passage: Passage) -> Citation:
        citation = _citation(marker, passage)
        if self._guardrails is None:
            return citation
        # Numbers that identify a person are masked in shown sources too; the span and the
        # passage in the index stay as they are.
        text, found = self._guardrails.redact(citation.text, STRUCTURED)
        return citation.model_copy(update={"text": text}) if found else citation

    def _answers_question(
        self, evidence: ev.Evidence, query: str, follow_up: str | None, text: str
    ) -> Verdict:
        """The model must not drift to a supported but irrelevant sentence: its answer has to
        cover the question's terms nearly as well as the best source sentence does."""
        stats = self._retriever.term_stats
        weights = ev.question_weights(stats, query, follow_up)
        own = stats.coverage(weights, text)
        best = stats.coverage(weights, evidence.candidates[0].text)
        return Verdict(
            check="answers_question",
            passed=own >= 0.8 * best,
            detail=f"dekking vraag {own:.2f}, beste bronzin {best:.2f}",
        )

    def _prompt(self, evidence: ev.Evidence, history: list[str], question: str) -> str:
        lines = [
            (c.marker, ev.display_text(c.text))
            for c in evidence.candidates[: self._settings.prompt_candidates]
        ]
        lines.sort(key=lambda item: item[0])
        return self._template.render(question, lines, history)

    # -- the cache -------------------------------------------------------------------------

    def _versions(self) -> str:
        return "|".join(
            (
                self._retriever.index.version_id,
                self._generator.model_sha256 if self._settings.use_llm else "no-llm",
                self._template.version,
                self.params.model_dump_json(),
                self._settings.model_dump_json(exclude={"cache", "near_duplicate_cache"}),
            )
        )

    def _cache_keys(self, question: str, history: list[str]) -> tuple[str | None, str | None]:
        if history:  # a follow-up depends on its conversation: never shared
            return None, None
        exact = sha256_hex(" ".join(question.lower().split()) + "||" + self._versions())
        terms = " ".join(sorted(self._retriever.term_stats.terms(question)))
        near = sha256_hex(terms + "||" + self._versions()) if terms else None
        return exact, near

    def _from_cache(
        self, question: str, history: list[str], request_id: str, conversation_id: str, turn: int
    ) -> _Draft | None:
        if self._store is None or not self._settings.cache:
            return None
        started = time.perf_counter()
        exact, near = self._cache_keys(question, history)
        hit = self._store.find_cached(exact, "cache_key") if exact else None
        if hit is None and near and self._settings.near_duplicate_cache:
            hit = self._store.find_cached(near, "near_key")
        if hit is None:
            return None
        original = hit.answer
        answer = original.model_copy(
            update={
                "tag": self._tagger.tag(original.resolved_query) if self._tagger else None,
                "answer_id": uuid.uuid4().hex,
                "request_id": request_id,
                "conversation_id": conversation_id,
                "turn": turn,
                "question": question,
                "cached": True,
                "cached_from": original.answer_id,
                "timings": Timings(total_ms=_ms(started)),
                "created_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
            }
        )
        self._store.save(answer, hit.prompt, hit.raw_output, None, None)
        log.info("answer.cache_hit", answer_id=answer.answer_id, cached_from=original.answer_id)
        return _Draft(answer, hit.prompt, hit.raw_output)
