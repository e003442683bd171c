"""In-process llama.cpp (llama-cpp-python): the default LLM backend. Any GGUF path works."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from belbot.answering.types import Generation, GenerationParams
from belbot.embedding.files import file_sha256
from belbot.errors import ModelUnavailableError


def default_threads() -> int:
    """llama.cpp threads: the cores there are, at most 4 (more only adds contention here)."""
    return max(1, min(os.cpu_count() or 1, 4))


def load_llama(model_path: Path, n_ctx: int, threads: int, role: str = "Taalmodel") -> Any:
    """A llama_cpp.Llama over any GGUF, deterministic (seed 0) and quiet; a missing file is a
    ModelUnavailableError naming ``role`` (the answering model or the judge)."""
    if not model_path.is_file():
        raise ModelUnavailableError(
            f"{role} niet gevonden: {model_path}. Draai 'belbot models assemble'."
        )
    from llama_cpp import Llama

    return Llama(model_path=str(model_path), n_ctx=n_ctx, n_threads=threads, seed=0, verbose=False)


class LlamaCppGenerator:
    def __init__(self, model_path: Path, n_ctx: int = 2048, threads: int | None = None) -> None:
        self._path = model_path
        self._n_ctx = n_ctx
        self._threads = threads or default_threads()
        self._llm: Any = None
        # One llama context serves one request at a time.
        self._lock = threading.Lock()

    @property
    def backend(self) -> str:
        return "llama-cpp"

    @property
    def model_id(self) -> str:
        return self._path.name

    @property
    def model_sha256(self) -> str:
        return file_sha256(self._path)

    def warm_up(self) -> None:
        if self._llm is None:
            self._llm = load_llama(self._path, self._n_ctx, self._threads)

    def generate(self, prompt: str, params: GenerationParams) -> Generation:
        self.warm_up()
        pieces: list[str] = []
        started = time.perf_counter()
        ttft = 0.0
        finish = ""
        with self._lock:
            # A fresh context per request: the answer never depends on the previous prompt.
            self._llm.reset()
            for chunk in self._llm.create_completion(prompt, stream=True, **params.sampling()):
                choice = chunk["choices"][0]
                if not pieces:
                    ttft = (time.perf_counter() - started) * 1000
                pieces.append(choice["text"])
                finish = choice.get("finish_reason") or finish
            prompt_tokens = len(self._llm.tokenize(prompt.encode("utf-8")))
        text = "".join(pieces)
        return Generation(
            text=text,
            prompt_tokens=prompt_tokens,
            completion_tokens=len(pieces),
            finish_reason=finish or "stop",
            ttft_ms=round(ttft, 2),
            total_ms=round((time.perf_counter() - started) * 1000, 2),
        )

    def stream(self, prompt: str, params: GenerationParams) -> Iterator[str]:
        self.warm_up()
        with self._lock:
            self._llm.reset()
            for chunk in self._llm.create_completion(prompt, stream=True, **params.sampling()):
                yield chunk["choices"][0]["text"]
