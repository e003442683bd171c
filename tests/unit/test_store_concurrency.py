"""Several API processes sharing one store: two OS processes write answers, feedback (on the
same rows) and events at once, and nothing is lost or doubled; each finds the other's cached
answers; two processes opening an empty database at the same moment migrate it once."""

from __future__ import annotations

import multiprocessing
import queue
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from belbot.answering.types import Answer
from belbot.store.database import Database
from belbot.store.postgres import PostgresDatabase
from belbot.store.schema import head_revision
from belbot.store.sqlite import SqliteDatabase
from belbot.store.store import ConversationStore

pytestmark = pytest.mark.unit

WRITES = 60  # per process, of each kind
AGENTS = 4  # both processes rate the shared answer as the same agents: the same rows
SHARED = "gedeeld-1"


def _location(db: Database) -> tuple[str, str]:
    if isinstance(db, SqliteDatabase):
        return "sqlite", str(db.path)
    assert isinstance(db, PostgresDatabase)
    return "postgresql", db.url


def _open(location: tuple[str, str]) -> ConversationStore:
    engine, where = location
    db = SqliteDatabase(Path(where)) if engine == "sqlite" else PostgresDatabase(where)
    return ConversationStore(db)


def _hammer(
    location: tuple[str, str], worker: int, record: str, writes: int, start: Any, results: Any
) -> None:
    """One API process: answers in its own conversations, thumbs on the shared answer, events.
    (The children import only this module and the store: they start in about a second.)"""
    store = _open(location)
    store.warm_up()
    template = Answer.model_validate_json(record)
    start.wait()
    errors = 0
    for n in range(writes):
        try:
            cid = store.new_conversation(f"agent-{worker}")
            item = template.model_copy(update={"conversation_id": cid, "answer_id": f"{cid}-1"})
            store.save(item, "prompt", "ruw", f"sleutel-{worker}-{n}", None)
            store.save_feedback(SHARED, f"a{n % AGENTS}", ("up", "down")[n % 2], None, None)
            store.add_event("answer_shown", f"a{n % AGENTS}", cid, item.answer_id, None, None)
        except Exception:  # counted, not raised: the parent compares the figures
            errors += 1
    store.close()
    results.put((worker, errors))


def _migrate(location: tuple[str, str], start: Any, results: Any) -> None:
    store = _open(location)
    start.wait()
    store.warm_up()
    results.put(store.revision())
    store.close()


def _run(target: Callable[..., None], arguments: Callable[[int], tuple[Any, ...]]) -> list[Any]:
    """``target`` in two fresh processes that start together; what each put in the queue."""
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=target, args=(*arguments(n), start, results)) for n in (0, 1)]
    for process in workers:
        process.start()
    found: list[Any] = []
    deadline = time.monotonic() + 120
    while len(found) < len(workers):
        try:
            found.append(results.get(timeout=0.5))
        except queue.Empty:
            died = [p.exitcode for p in workers if p.exitcode not in (None, 0)]
            if died or time.monotonic() > deadline:
                for process in workers:
                    process.kill()
                pytest.fail(f"een werkproces stopte of bleef hangen (exit {died})")
    for process in workers:
        process.join(timeout=60)
        assert process.exitcode == 0
    return found


def test_two_processes_writing_at_once_lose_and_double_nothing(
    new_store: Callable[..., ConversationStore],
) -> None:
    from .test_eval_ops import answer

    store = new_store()
    cid = store.new_conversation("a0")
    shared = answer(cid, 1, "2026-03-01T08:00:00").model_copy(update={"answer_id": SHARED})
    store.save(shared, "", "", None, None)
    location, record = _location(store.db), shared.model_dump_json()

    outcome = _run(_hammer, lambda worker: (location, worker, record, WRITES))
    assert sorted(outcome) == [(0, 0), (1, 0)]  # no write failed

    def count(sql: str) -> int:
        return int(store.db.execute(sql).fetchone()[0])

    attempted = 2 * WRITES
    assert count("SELECT COUNT(*) FROM answers") == 1 + attempted
    assert count("SELECT COUNT(*) FROM turns") == 1 + attempted
    assert count("SELECT COUNT(*) FROM feedback_history") == attempted  # every thumb kept
    assert count("SELECT COUNT(*) FROM feedback") == AGENTS  # one current verdict per agent
    assert count("SELECT COUNT(*) FROM events") == attempted
    assert count("SELECT COUNT(DISTINCT id) FROM feedback_history") == attempted
    # The answer cache works across processes: each one's answers are found by another.
    for worker in (0, 1):
        cached = store.find_cached(f"sleutel-{worker}-{WRITES - 1}", "cache_key")
        assert cached is not None and cached.prompt == "prompt"


def test_two_processes_opening_an_empty_database_migrate_it_once(
    new_database: Callable[..., Database],
) -> None:
    location = _location(new_database("leeg", empty=True))
    revisions = _run(_migrate, lambda _: (location,))
    assert revisions == [head_revision(), head_revision()]
    store = _open(location)
    assert store.db.execute("SELECT COUNT(*) FROM alembic_version").fetchone()[0] == 1
    store.close()
