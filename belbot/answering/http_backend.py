"""OpenAI-compatible completions over HTTP (llama.cpp server, vLLM, `belbot llm-serve`): for
deployments whose agents outgrow one machine. Plain completions, since the shipped model has
no chat template.

Several servers form a pool: requests go round-robin; a server that fails (connection error,
timeout, 5xx) is skipped for a cool-down and probed before it is used again; a failure before
the first token moves the request to the next server. Every wait is bounded: connecting, the
first token, each later piece, a free slot, and one deadline over all attempts. Past any of
them the generator raises ModelUnavailableError and the agent gets the quoted sources."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from belbot.answering.types import Generation, GenerationParams
from belbot.errors import ModelUnavailableError
from belbot.logs import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class PoolOptions:
    """How patient the pool is; defaults match LLMSettings."""

    parallel: int = 1
    connect_timeout_s: float = 1.0
    read_timeout_s: float = 15.0
    slot_wait_s: float = 2.0
    health_path: str = "/health"
    health_timeout_s: float = 1.0
    cooldown_s: float = 10.0


@dataclass
class _Server:
    index: int
    url: str
    busy: int = 0
    down_until: float = 0.0  # monotonic time; 0 while healthy
    probing: bool = False


class _ServerFailed(Exception):
    """One server failed this request; another may still answer it."""


class ServerPool:
    """The servers' health and free slots, shared by every request of this process."""

    def __init__(
        self,
        urls: Sequence[str],
        options: PoolOptions,
        probe: Callable[[str], bool],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not urls:
            raise ValueError("at least one server URL is needed")
        self._servers = [_Server(i, url.rstrip("/")) for i, url in enumerate(urls)]
        self._options = options
        self._probe = probe
        self._clock = clock
        self._next = 0
        self._cond = threading.Condition()

    @property
    def urls(self) -> list[str]:
        return [server.url for server in self._servers]

    def healthy(self) -> list[str]:
        now = self._clock()
        return [s.url for s in self._servers if s.down_until <= now and not s.probing]

    def order(self) -> list[_Server]:
        """The servers in the order one request tries them: round-robin over requests."""
        with self._cond:
            start = self._next
            self._next = (self._next + 1) % len(self._servers)
        return self._servers[start:] + self._servers[:start]

    def check_all(self) -> None:
        """Probe every server now (at start-up): the ones down start their cool-down."""
        for server in self._servers:
            self._settle(server, self._probe(server.url))

    def acquire(self, order: list[_Server], tried: set[int], until: float) -> _Server | None:
        """A slot on the first server in ``order`` that is untried, healthy and not full.
        Waits (until ``until``) only while an untried healthy server is busy or being
        probed; None at once when every untried server is cooling down."""
        with self._cond:
            while True:
                now = self._clock()
                untried = [s for s in order if s.index not in tried]
                if all(s.down_until > now for s in untried):
                    return None  # also when every server was tried
                server = next((s for s in untried if self._usable(s, now)), None)
                if server is None:
                    if now >= until:
                        return None
                    self._cond.wait(timeout=until - now)
                    continue
                if server.down_until > 0:  # its cool-down is over: probe before use
                    server.probing = True
                    self._cond.release()
                    try:
                        up = self._probe(server.url)
                    finally:
                        self._cond.acquire()
                    self._settle(server, up)
                    continue
                server.busy += 1
                return server

    def _usable(self, server: _Server, now: float) -> bool:
        return (
            server.down_until <= now and not server.probing and server.busy < self._options.parallel
        )

    def release(self, server: _Server, failure: str | None = None) -> None:
        with self._cond:
            server.busy -= 1
            if failure is not None:
                self._mark_down(server, failure)
            self._cond.notify_all()

    def _settle(self, server: _Server, up: bool) -> None:
        with self._cond:
            server.probing = False
            if up:
                if server.down_until > 0:
                    log.info("llm.server_up", server=server.url)
                server.down_until = 0.0
            else:
                self._mark_down(server, "health check failed")
            self._cond.notify_all()

    def _mark_down(self, server: _Server, reason: str) -> None:
        server.down_until = self._clock() + self._options.cooldown_s
        log.warning(
            "llm.server_down", server=server.url, reason=reason, cooldown_s=self._options.cooldown_s
        )


class OpenAICompatibleGenerator:
    def __init__(
        self,
        base_url: str | Sequence[str],
        model: str,
        api_key: str = "",
        timeout_s: float = 60.0,
        options: PoolOptions | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``base_url``: one server or several; ``timeout_s``: the deadline of one generation,
        failover included; ``transport`` replaces the network (tests)."""
        urls = [base_url] if isinstance(base_url, str) else list(base_url)
        self._options = options or PoolOptions()
        self._model = model
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._timeout = timeout_s
        self._transport = transport
        self._clock = clock
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()
        self.pool = ServerPool(urls, self._options, self._probe, clock)

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
        """Opens the client and probes every server once; servers down are not an error here
        (answers go without the model until one comes up)."""
        self._http()
        if not self.pool.healthy():
            log.warning("llm.no_server_up", servers=len(self.pool.urls))

    def _http(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                self._client = httpx.Client(
                    headers=self._headers,
                    transport=self._transport,
                    limits=httpx.Limits(max_connections=None, max_keepalive_connections=64),
                )
                self.pool.check_all()
            return self._client

    def _probe(self, url: str) -> bool:
        assert self._client is not None
        try:
            response = self._client.get(
                url + self._options.health_path, timeout=self._options.health_timeout_s
            )
        except httpx.HTTPError:
            return False
        return response.status_code < 500

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
        """Pieces from the first server that answers. A server failing before its first
        piece hands the request to the next; after it, the answer is abandoned (the agent
        has seen a draft) and the server is marked down."""
        client = self._http()
        body = self._body(prompt, params, stream=True)
        deadline = self._clock() + self._timeout
        order = self.pool.order()
        tried: set[int] = set()
        while True:
            now = self._clock()
            if now >= deadline:
                raise ModelUnavailableError("Taalmodel gaf niet op tijd antwoord.")
            server = self.pool.acquire(order, tried, min(deadline, now + self._options.slot_wait_s))
            if server is None:
                raise ModelUnavailableError(self._no_server_message(tried))
            tried.add(server.index)
            started = False
            failure: str | None = None
            try:
                for event in self._attempt(client, server.url, body, deadline):
                    started = True
                    yield event
                return
            except _ServerFailed as exc:
                failure = str(exc)
                if started or self._clock() >= deadline:
                    raise ModelUnavailableError(f"Taalmodelserver viel weg: {exc}") from exc
                log.warning("llm.failover", server=server.url, reason=failure)
            finally:
                self.pool.release(server, failure)

    def _no_server_message(self, tried: set[int]) -> str:
        if tried:
            return "Geen taalmodelserver gaf op tijd antwoord."
        if self.pool.healthy():
            return "Alle taalmodelservers zijn bezet."
        return "Geen taalmodelserver bereikbaar."

    def _attempt(
        self, client: httpx.Client, url: str, body: dict[str, Any], deadline: float
    ) -> Iterator[tuple[str, str]]:
        options = self._options
        remaining = max(deadline - self._clock(), 0.001)
        timeout = httpx.Timeout(
            connect=min(options.connect_timeout_s, remaining),
            read=min(options.read_timeout_s, remaining),
            write=min(options.read_timeout_s, remaining),
            pool=min(options.connect_timeout_s, remaining),
        )
        sent = self._clock()
        first = True
        try:
            with client.stream(
                "POST", url + "/v1/completions", json=body, timeout=timeout
            ) as response:
                if response.status_code >= 500:
                    response.read()
                    raise _ServerFailed(f"status {response.status_code}")
                if response.status_code != 200:
                    response.read()  # a refused request, not a broken server: no failover
                    raise ModelUnavailableError(
                        f"Taalmodelserver gaf status {response.status_code}: {response.text[:200]}"
                    )
                for line in response.iter_lines():
                    # Pings (SSE comments) keep a queued request's connection alive: the
                    # clock, not the socket, bounds the wait for the first token.
                    now = self._clock()
                    if first and now - sent > options.read_timeout_s:
                        raise _ServerFailed("geen eerste token op tijd")
                    if now > deadline:
                        raise ModelUnavailableError("Taalmodel gaf niet op tijd antwoord.")
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        return
                    choice = _choice(data)
                    first = False
                    yield choice.get("text", ""), choice.get("finish_reason") or ""
                raise _ServerFailed("verbinding gesloten voor [DONE]")
        except httpx.TimeoutException as exc:
            if self._clock() >= deadline - 0.05:  # our deadline, not the server, cut it short
                raise ModelUnavailableError("Taalmodel gaf niet op tijd antwoord.") from exc
            raise _ServerFailed(f"{type(exc).__name__}: {exc}") from exc
        except httpx.HTTPError as exc:
            raise _ServerFailed(f"{type(exc).__name__}: {exc}") from exc


def _choice(data: str) -> dict[str, Any]:
    try:
        choice = json.loads(data)["choices"][0]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise _ServerFailed("onleesbaar antwoord") from exc
    return choice if isinstance(choice, dict) else {}
