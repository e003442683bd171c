"""One in-process model answers one question at a time. Requests queue in order up to a
bound; beyond it they get a clear 503 with retry advice instead of waiting without end."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from belbot.errors import BelbotError


class OverloadedError(BelbotError):
    code = "overloaded"


class ModelGate:
    def __init__(self, max_queue: int, timeout_s: float) -> None:
        self._slot = threading.Lock()
        self._waiting = 0
        self._count_lock = threading.Lock()
        self._max_queue = max_queue
        self._timeout = timeout_s

    @property
    def waiting(self) -> int:
        return self._waiting

    @contextmanager
    def hold(self) -> Iterator[None]:
        with self._count_lock:
            if self._waiting >= self._max_queue + 1:
                raise OverloadedError(
                    "BelBot is op dit moment te druk. Probeer het over enkele seconden opnieuw."
                )
            self._waiting += 1
        try:
            if not self._slot.acquire(timeout=self._timeout):
                raise OverloadedError(
                    "BelBot kon de vraag niet op tijd in behandeling nemen. Probeer het opnieuw."
                )
            try:
                yield
            finally:
                self._slot.release()
        finally:
            with self._count_lock:
                self._waiting -= 1
