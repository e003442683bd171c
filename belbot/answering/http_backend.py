"""OpenAI-compatible completions over HTTP (llama.cpp server, vLLM): for deployments whose
agents outgrow one machine. Plain completions, since the shipped model has no chat template."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx

from belbot.answering.types import Generation, GenerationParams
from belbot.errors import ModelUnavailableError


class OpenAICompatibleGenerator:
    def __init__(
        self, base_url: str, model: str, api_key: str = "", timeout_s: float = 60.0
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._model = model
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._timeout = timeout_s
        self._client: httpx.Client | None = None

    @property
    def backend(self) -> str:
        return "openai-compatible"

    @property
    def model_id(self) -> str:
        return self._model

    @property
    def model_sha256(self) -> str:
        return ""  # a remote server does not publish its weights' hash

    def warm_up(self) -> None:
        if self._client is None:
            self._client = httpx.Client(
                base_url=self._base_url, headers=self._headers, timeout=self._timeout
            )

    def _body(self, prompt: str, params: GenerationParams, stream: bool) -> dict[str, Any]:
        return {"model": self._model, "prompt": prompt, "stream": stream, **params.sampling()}

    def generate(self, prompt: str, params: GenerationParams) -> Generation:
        started = time.perf_counter()
        ttft = 0.0
        pieces: list[str] = []
        finish = ""
        for piece, reason in self._events(prompt, params):
            if not pieces:
                ttft = (time.perf_counter() - started) * 1000
            pieces.append(piece)
            finish = reason or finish
        return Generation(
            text="".join(pieces),
            completion_tokens=len(pieces),
            finish_reason=finish or "stop",
            ttft_ms=round(ttft, 2),
            total_ms=round((time.perf_counter() - started) * 1000, 2),
        )

    def stream(self, prompt: str, params: GenerationParams) -> Iterator[str]:
        for piece, _reason in self._events(prompt, params):
            yield piece

    def _events(self, prompt: str, params: GenerationParams) -> Iterator[tuple[str, str]]:
        self.warm_up()
        assert self._client is not None
        body = self._body(prompt, params, stream=True)
        try:
            with self._client.stream("POST", "/v1/completions", json=body) as response:
                if response.status_code != 200:
                    response.read()
                    raise ModelUnavailableError(
                        f"Taalmodelserver gaf status {response.status_code}: {response.text[:200]}"
                    )
                for line in response.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        break
                    choice = json.loads(data)["choices"][0]
                    yield choice.get("text", ""), choice.get("finish_reason") or ""
        except httpx.HTTPError as exc:
            raise ModelUnavailableError(f"Taalmodelserver onbereikbaar: {exc}") from exc
