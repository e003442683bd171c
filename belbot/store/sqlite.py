"""The conversation store on SQLite (WAL): conversations, turns, answers with their whole
record, the prompt sent and the raw model output. Personal data is redacted before it gets
here (guardrails); the store keeps what it is given."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from belbot.answering.types import Answer
from belbot.errors import BelbotError
from belbot.store.migrations import MIGRATIONS


class AnswerNotFoundError(BelbotError):
    code = "answer_not_found"


@dataclass(frozen=True)
class StoredAnswer:
    answer: Answer
    prompt: str
    raw_output: str
    history: list[str]  # resolved queries of the earlier turns of its conversation


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class SqliteStore:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        if self._conn is not None:
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=5000")
        self._conn = conn
        self._migrate()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @property
    def conn(self) -> sqlite3.Connection:
        self.warm_up()
        assert self._conn is not None
        return self._conn

    def _migrate(self) -> None:
        conn = self.conn
        conn.execute(
            "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
        )
        done = {row[0] for row in conn.execute("SELECT name FROM _migrations")}
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            with self._lock:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    for statement in filter(str.strip, sql.split(";")):
                        conn.execute(statement)
                    conn.execute("INSERT INTO _migrations VALUES (?, ?)", (name, _now()))
                    conn.execute("COMMIT")
                except Exception:
                    conn.execute("ROLLBACK")
                    raise

    def applied_migrations(self) -> list[str]:
        return [row[0] for row in self.conn.execute("SELECT name FROM _migrations ORDER BY name")]

    def new_conversation(self) -> str:
        conversation_id = uuid.uuid4().hex
        self.conn.execute("INSERT INTO conversations VALUES (?, ?)", (conversation_id, _now()))
        return conversation_id

    def conversation_exists(self, conversation_id: str) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)
        ).fetchone()
        return row is not None

    def history(self, conversation_id: str, before_seq: int | None = None) -> list[str]:
        """Resolved queries of the conversation's turns, oldest first."""
        limit = before_seq if before_seq is not None else 1 << 30
        rows = self.conn.execute(
            "SELECT resolved_query FROM turns WHERE conversation_id = ? AND seq < ? ORDER BY seq",
            (conversation_id, limit),
        )
        return [row[0] for row in rows]

    def next_turn(self, conversation_id: str) -> int:
        row = self.conn.execute(
            "SELECT COALESCE(MAX(seq), 0) FROM turns WHERE conversation_id = ?", (conversation_id,)
        ).fetchone()
        return int(row[0]) + 1

    def save(
        self,
        answer: Answer,
        prompt: str,
        raw_output: str,
        cache_key: str | None,
        near_key: str | None,
    ) -> None:
        """Turn and answer in one transaction: both are stored or neither."""
        turn_id = f"{answer.conversation_id}:{answer.turn}"
        with self._lock:
            conn = self.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute(
                    "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        turn_id,
                        answer.conversation_id,
                        answer.turn,
                        answer.question,
                        answer.resolved_query,
                        answer.created_at,
                    ),
                )
                conn.execute(
                    "INSERT INTO answers VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        answer.answer_id,
                        turn_id,
                        answer.request_id,
                        answer.path,
                        int(answer.cached),
                        answer.cached_from,
                        answer.text,
                        answer.model_dump_json(),
                        prompt,
                        raw_output,
                        answer.index_version,
                        answer.model.sha256,
                        answer.prompt_version,
                        cache_key,
                        near_key,
                        answer.created_at,
                    ),
                )
                conn.execute("COMMIT")
            except Exception:
                conn.execute("ROLLBACK")
                raise

    def get(self, answer_id: str) -> StoredAnswer:
        row = self.conn.execute(
            "SELECT record, prompt, raw_output FROM answers WHERE id = ?", (answer_id,)
        ).fetchone()
        if row is None:
            raise AnswerNotFoundError(f"Antwoord {answer_id} bestaat niet.")
        answer = Answer.model_validate_json(row[0])
        history = self.history(answer.conversation_id, before_seq=answer.turn)
        return StoredAnswer(answer, row[1], row[2], history)

    def find_cached(self, key: str, column: str) -> StoredAnswer | None:
        if column not in ("cache_key", "near_key"):
            raise ValueError(column)
        row = self.conn.execute(
            f"SELECT id FROM answers WHERE {column} = ? AND cached = 0 ORDER BY created_at LIMIT 1",
            (key,),
        ).fetchone()
        return self.get(row[0]) if row else None

    def count_answers(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0])
