"""structlog configuration: keyword-field JSON events, configured at start-up only."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

import structlog

from belbot.settings import LogSettings


class _Tee:
    """Writes each rendered event line to several streams (stderr and the log file). None
    stands for ``sys.stderr`` as it is at write time, not when logging was configured: a
    test runner that swaps and closes stderr must not leave the logger writing to it."""

    def __init__(self, streams: list[TextIO | None]) -> None:
        self._streams = streams

    def _targets(self) -> list[TextIO]:
        return [stream or sys.stderr for stream in self._streams]

    def write(self, data: str) -> None:
        for stream in self._targets():
            stream.write(data)

    def flush(self) -> None:
        for stream in self._targets():
            stream.flush()


def configure_logging(settings: LogSettings, stream: TextIO | None = None) -> None:
    level = getattr(logging, settings.level)
    streams: list[TextIO | None] = [stream]
    if settings.file is not None:
        settings.file.parent.mkdir(parents=True, exist_ok=True)
        streams.append(settings.file.open("a", encoding="utf-8"))
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if settings.json_format
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.WriteLoggerFactory(file=_Tee(streams)),  # type: ignore[arg-type]
        cache_logger_on_first_use=False,
    )
    logging.basicConfig(level=max(level, logging.WARNING), stream=stream or sys.stderr, force=True)
    for noisy in ("bm25s", "sentence_transformers", "transformers", "faiss", "httpx"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)  # type: ignore[no-any-return]
