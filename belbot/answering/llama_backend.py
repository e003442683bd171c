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


class LlamaCppGenerator:
    def __init__(self, model_path: Path, n_ctx: int = 2048, threads: int | None = None) -> None:
        self._path = model_path
        self._n_ctx = n_ctx
        self._threads = threads or max(1, min(os.cpu_count() or 1, 4))
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
        if self._llm is not None:
            return
        if not self._path.is_file():
            raise ModelUnavailableError(
                f"Taalmodel niet gevonden: {self._path}. Draai 'belbot models assemble'."
            )
        from llama_cpp import Llama

        self._llm = Llama(
            model_path=str(self._path),
            n_ctx=self._n_ctx,
            n_threads=self._threads,
            seed=0,
            verbose=False,
        )

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
