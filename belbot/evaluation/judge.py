"""The local judge model behind the ragas metrics, and ragas' embedding adapter.

Ragas' modern metrics ask their LLM for a pydantic object per call. A 270M model cannot be trusted
to write valid JSON, so the in-process judge constrains its output with a grammar built from the
response model's JSON schema: parsing cannot fail on syntax, only on content (counted upstream).
Every call has a deadline, enforced inside llama.cpp's sampling loop, because a grammar over a
262k-token vocabulary can stall a call for minutes."""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from pydantic import BaseModel

from belbot.answering.llama_backend import default_threads, load_llama
from belbot.embedding.base import Embedder
from belbot.errors import BelbotError

if TYPE_CHECKING:
    from belbot.settings import Settings

T = TypeVar("T", bound=BaseModel)


class JudgeError(BelbotError):
    """A judge call that gave no usable verdict (timeout, truncated or invalid output)."""


class JudgeCore(Protocol):
    def complete_json(self, prompt: str, response_model: type[T]) -> T:
        """A response_model instance for the prompt; JudgeError when there is no usable one."""


def _ragas_bases() -> tuple[type[Any], type[Any]]:
    # Imported late: ragas pulls in langchain and pandas, which only evaluation runs need.
    from ragas.embeddings.base import BaseRagasEmbedding
    from ragas.llms.base import InstructorBaseRagasLLM

    return InstructorBaseRagasLLM, BaseRagasEmbedding


MAX_ITEMS = 4
MAX_STRING = 200


def bounded_schema(schema: Any) -> Any:
    """The schema with every array and string bounded: a small model at temperature 0 tends to
    repeat itself until the token limit, and a bound lets the grammar close the JSON instead."""
    if isinstance(schema, dict):
        bounded = {key: bounded_schema(value) for key, value in schema.items()}
        if bounded.get("type") == "array":
            bounded.setdefault("maxItems", MAX_ITEMS)
        if bounded.get("type") == "string" and "enum" not in bounded:
            bounded.setdefault("maxLength", MAX_STRING)
        return bounded
    if isinstance(schema, list):
        return [bounded_schema(value) for value in schema]
    return schema


class LlamaJudgeCore:
    """Grammar-constrained completions from any GGUF through llama-cpp-python."""

    def __init__(
        self,
        model_path: Path,
        n_ctx: int = 8192,
        max_tokens: int = 384,
        timeout_s: float = 90.0,
        threads: int | None = None,
    ) -> None:
        self.model_path = model_path
        self._n_ctx = n_ctx
        self._max_tokens = max_tokens
        self._timeout_s = timeout_s
        self._threads = threads or default_threads()
        self._llm: Any = None
        self._grammars: dict[str, Any] = {}
        self._lock = threading.Lock()
        self.calls = 0

    def warm_up(self) -> None:
        if self._llm is None:
            self._llm = load_llama(self.model_path, self._n_ctx, self._threads, "Beoordelingsmodel")

    def _grammar(self, schema: dict[str, Any]) -> Any:
        from llama_cpp.llama_grammar import LlamaGrammar

        key = json.dumps(schema, sort_keys=True)
        if key not in self._grammars:
            self._grammars[key] = LlamaGrammar.from_json_schema(key, verbose=False)
        return self._grammars[key]

    def complete_json(self, prompt: str, response_model: type[T]) -> T:
        self.warm_up()
        from llama_cpp import StoppingCriteriaList

        grammar = self._grammar(bounded_schema(response_model.model_json_schema()))
        deadline = time.monotonic() + self._timeout_s
        timed_out = False

        def past_deadline(_ids: Any, _logits: Any) -> bool:
            nonlocal timed_out
            timed_out = time.monotonic() > deadline
            return timed_out

        with self._lock:
            self.calls += 1
            self._llm.reset()
            prompt_tokens = len(self._llm.tokenize(prompt.encode("utf-8")))
            if prompt_tokens + 16 > self._n_ctx:
                raise JudgeError(f"prompt of {prompt_tokens} tokens exceeds n_ctx {self._n_ctx}")
            output = self._llm.create_completion(
                prompt,
                max_tokens=min(self._max_tokens, self._n_ctx - prompt_tokens),
                temperature=0.0,
                # Greedy decoding loops on this model; a mild penalty breaks the loops.
                repeat_penalty=1.15,
                grammar=grammar,
                stopping_criteria=StoppingCriteriaList([past_deadline]),
            )
        choice = output["choices"][0]
        if timed_out:
            raise JudgeError(f"judge call exceeded {self._timeout_s:.0f} s")
        if choice.get("finish_reason") == "length":
            raise JudgeError(f"judge output truncated at max_tokens: {choice['text'][:160]!r}")
        try:
            return response_model.model_validate_json(choice["text"])
        except ValueError as exc:
            raise JudgeError(f"judge output does not fit the schema: {exc}") from exc


class LexicalJudgeCore:
    """A deterministic judge for tests and the fake stack: it reads the input JSON that ragas
    puts at the end of each prompt and decides by word overlap, so its verdicts are known in
    advance. Not a quality judge: a check that the harness computes and counts correctly."""

    def __init__(self, threshold: float = 0.6) -> None:
        self.threshold = threshold
        self.model_path = Path("lexical-judge")
        self.calls = 0

    @staticmethod
    def _words(text: str) -> set[str]:
        return {w for w in re.findall(r"\w+", text.lower()) if len(w) > 2}

    def _overlap(self, text: str, context: str) -> float:
        words = self._words(text)
        return len(words & self._words(context)) / len(words) if words else 0.0

    def complete_json(self, prompt: str, response_model: type[T]) -> T:
        self.calls += 1
        try:
            data = json.loads(prompt.rsplit("input: ", 1)[1].rsplit("\nOutput:", 1)[0])
        except (IndexError, json.JSONDecodeError) as exc:
            raise JudgeError("no ragas input in the prompt") from exc
        name = response_model.__name__
        answer = re.sub(r"\[\d+\]|•", " ", data.get("answer", ""))
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", answer) if self._words(s)]
        payload: dict[str, Any]
        if name == "StatementGeneratorOutput":
            payload = {"statements": sentences}
        elif name == "NLIStatementOutput":
            payload = {
                "statements": [
                    {
                        "statement": st,
                        "reason": "woordoverlap",
                        "verdict": int(self._overlap(st, data["context"]) >= self.threshold),
                    }
                    for st in data["statements"]
                ]
            }
        elif name == "AnswerRelevanceOutput":
            response = data["response"]
            payload = {
                "question": re.sub(r"\[\d+\]", "", response).strip(),
                "noncommittal": int("niet in de kennisbank" in response.lower()),
            }
        elif name == "ContextPrecisionOutput":
            verdict = int(self._overlap(data["answer"], data["context"]) >= self.threshold / 2)
            payload = {"reason": "woordoverlap", "verdict": verdict}
        elif name == "ContextRecallOutput":
            payload = {
                "classifications": [
                    {
                        "statement": st,
                        "reason": "woordoverlap",
                        "attributed": int(self._overlap(st, data["context"]) >= self.threshold),
                    }
                    for st in sentences
                ]
            }
        else:
            raise JudgeError(f"lexical judge cannot answer {name}")
        return response_model.model_validate(payload)


def make_llama_judge(core: JudgeCore) -> Any:
    """A judge core as a ragas ``InstructorBaseRagasLLM`` (ragas checks the type)."""
    base, _ = _ragas_bases()

    class LlamaJudge(base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            self.core = core

        def generate(self, prompt: str, response_model: type[T]) -> T:
            return core.complete_json(prompt, response_model)

        async def agenerate(self, prompt: str, response_model: type[T]) -> T:
            return await asyncio.to_thread(core.complete_json, prompt, response_model)

    return LlamaJudge()


def make_server_judge(base_url: str, model: str, api_key: str, timeout_s: float) -> Any:
    """A judge on any OpenAI-compatible server (a llama.cpp server, vLLM on a GPU box), through
    instructor in JSON-schema mode so the server constrains the output."""
    import instructor
    from openai import AsyncOpenAI
    from ragas.llms.base import InstructorLLM

    client = instructor.from_openai(
        AsyncOpenAI(base_url=base_url, api_key=api_key, timeout=timeout_s, max_retries=0),
        mode=instructor.Mode.JSON_SCHEMA,
    )
    return InstructorLLM(client=client, model=model, provider="openai")


def make_ragas_embeddings(embedder: Embedder) -> Any:
    """Our embedder as ragas' ``BaseRagasEmbedding``. Ragas embeds questions (answer relevancy
    compares the asked question with questions generated from the answer): query vectors."""
    _, base = _ragas_bases()

    class Embeddings(base):  # type: ignore[misc, valid-type]
        def embed_text(self, text: str, **_: Any) -> list[float]:
            return [float(x) for x in embedder.embed_queries([text])[0]]

        async def aembed_text(self, text: str, **kwargs: Any) -> list[float]:
            return self.embed_text(text, **kwargs)

        def embed_texts(self, texts: list[str], **_: Any) -> list[list[float]]:
            return [[float(x) for x in row] for row in embedder.embed_queries(texts)]

        async def aembed_texts(self, texts: list[str], **kwargs: Any) -> list[list[float]]:
            return self.embed_texts(texts, **kwargs)

    return Embeddings()


def create_judge(settings: Settings) -> tuple[Any, str]:
    """The configured judge and a description of it for the report."""
    judge = settings.evaluation.judge
    if judge.backend == "fake":
        return make_llama_judge(LexicalJudgeCore()), "fake (woordoverlap)"
    if judge.backend == "openai-compatible":
        llm = make_server_judge(
            judge.server_url, judge.server_model, judge.api_key, judge.timeout_s
        )
        return llm, f"openai-compatible {judge.server_url} model={judge.server_model}"
    path = judge.gguf_path or settings.llm.gguf_path
    core = LlamaJudgeCore(
        path, judge.n_ctx, judge.max_tokens, judge.timeout_s, settings.llm.threads
    )
    core.warm_up()
    return make_llama_judge(core), f"llama-cpp {path.name}"
