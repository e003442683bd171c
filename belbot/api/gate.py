"""Model calls in flight at once. One in-process model answers one question at a time;
OpenAI-compatible servers answer as many as they have slots. Requests queue up to a bound;
beyond it they get a clear 503 with retry advice instead of waiting without end."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from belbot.errors import BelbotError
from belbot.settings import Settings


class OverloadedError(BelbotError):
    code = "overloaded"


def model_slots(settings: Settings) -> int:
    """``api.llm_concurrency``, or what the backend can answer at once: one in-process model
    (llama-cpp, fake) one question; HTTP servers ``server_parallel`` each."""
    if settings.api.llm_concurrency is not None:
        return settings.api.llm_concurrency
    if settings.llm.backend == "openai-compatible":
        return len(settings.llm.urls) * settings.llm.server_parallel
    return 1


class ModelGate:
    def __init__(self, max_queue: int, timeout_s: float, slots: int = 1) -> None:
        self._slots = threading.BoundedSemaphore(slots)
        self._size = slots
        self._waiting = 0
        self._count_lock = threading.Lock()
        self._max_queue = max_queue
        self._timeout = timeout_s

    @property
    def slots(self) -> int:
        return self._size

    @property
    def waiting(self) -> int:
        """Requests holding a slot or queued for one."""
        return self._waiting

    @contextmanager
    def hold(self) -> Iterator[None]:
        with self._count_lock:
            if self._waiting >= self._max_queue + self._size:
                raise OverloadedError(
                    "BelBot is op dit moment te druk. Probeer het over enkele seconden opnieuw."
                )
            self._waiting += 1
        try:
            if not self._slots.acquire(timeout=self._timeout):
                raise OverloadedError(
                    "BelBot kon de vraag niet op tijd in behandeling nemen. Probeer het opnieuw."
                )
            try:
                yield
            finally:
                self._slots.release()
        finally:
            with self._count_lock:
                self._waiting -= 1
