"""The embedded engine: one SQLite file in WAL mode, one connection per process shared by its
threads. A process-wide lock keeps the threads' statements apart; BEGIN IMMEDIATE keeps other
processes' write transactions out of ours."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from belbot.store.database import ConstraintError, Dialect, Row, Rows, RowStream

BUSY_TIMEOUT_MS = 5000


def _wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL. The switch takes the file's lock without waiting for it (no busy
    handler), so a second process opening a new file at the same moment retries."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class SqliteDatabase:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.RLock()
        self._depth = 0  # open transaction() blocks of the thread holding the lock

    @property
    def dialect(self) -> Dialect:
        return "sqlite"

    @property
    def sqlalchemy_url(self) -> str:
        return f"sqlite:///{self.path.resolve()}"

    @property
    def description(self) -> str:
        return str(self.path)

    def open(self) -> None:
        if self._conn is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = self._connect()
        _wal(conn)
        conn.execute("PRAGMA synchronous=NORMAL")
        self._conn = conn

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return conn

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _connection(self) -> sqlite3.Connection:
        self.open()
        assert self._conn is not None
        return self._conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        with self._lock:
            try:
                cursor = self._connection().execute(sql, params)
                rows = cursor.fetchall()
            except sqlite3.IntegrityError as exc:
                raise ConstraintError(str(exc)) from exc
            columns = tuple(d[0] for d in cursor.description or ())
            return Rows(rows, columns, cursor.rowcount)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._lock:
            try:
                self._connection().executemany(sql, rows)
            except sqlite3.IntegrityError as exc:
                raise ConstraintError(str(exc)) from exc

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction. A transaction opened inside another (same thread) joins it:
        one commit at the end."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")
            finally:
                self._depth = 0

    @contextmanager
    def snapshot(self) -> Iterator[RowStream]:
        """A read transaction on a connection of its own: in WAL mode it sees one moment and
        does not hold up writers."""
        self.open()
        conn = self._connect()
        try:
            conn.execute("BEGIN")

            def stream(sql: str) -> Iterator[Row]:
                yield from conn.execute(sql)

            yield stream
        finally:
            conn.close()  # never wrote: closing ends the read transaction

    def tables(self) -> set[str]:
        rows = self.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {str(row[0]) for row in rows}
