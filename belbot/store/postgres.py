"""PostgreSQL: a psycopg 3 connection pool per process, shared by its threads. A statement
outside a transaction borrows a connection (autocommit) and gives it back; ``transaction()``
keeps one connection for the calling thread until it commits. Write transactions take one
advisory lock first, so they run one at a time across every process, as SQLite's
BEGIN IMMEDIATE does: code that reads and then writes (retention folding rows into counters)
cannot count anything twice when two API processes purge at once."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolTimeout

from belbot.errors import ConfigError
from belbot.store.database import ConstraintError, Dialect, Row, Rows, RowStream

# pg_advisory_xact_lock key of the store's write transactions ("BelBot" in ASCII).
WRITE_LOCK = 0x42656C426F74


@lru_cache(maxsize=1024)
def placeholders(sql: str) -> str:
    """The store's SQL (``?`` placeholders) in psycopg's format (``%s``, a literal ``%%``)."""
    return sql.replace("%", "%%").replace("?", "%s")


def safe_description(url: str) -> str:
    """host:port/database of a libpq URL or DSN, without user or password."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql (onleesbare url)"
    host = parts.get("host") or "localhost"
    return f"postgresql://{host}:{parts.get('port') or 5432}/{parts.get('dbname') or ''}"


class _ThreadState(threading.local):
    conn: psycopg.Connection[Row] | None = None
    depth: int = 0


class PostgresDatabase:
    def __init__(
        self, url: str, min_size: int = 1, max_size: int = 10, timeout_s: float = 10.0
    ) -> None:
        self.url = url
        self._sizes = (min_size, max_size)
        self._timeout_s = timeout_s
        self._pool: ConnectionPool[psycopg.Connection[Row]] | None = None
        self._open_lock = threading.Lock()
        self._local = _ThreadState()

    @property
    def dialect(self) -> Dialect:
        return "postgresql"

    @property
    def sqlalchemy_url(self) -> str:
        _, _, rest = self.url.partition("://")
        return f"postgresql+psycopg://{rest}" if rest else self.url

    @property
    def description(self) -> str:
        return safe_description(self.url)

    def _probe(self) -> None:
        """One connection first, so a wrong host, database or password fails at once with the
        server's reason (the pool would retry until its timeout)."""
        try:
            psycopg.connect(self.url, connect_timeout=max(1, round(self._timeout_s))).close()
        except psycopg.OperationalError as exc:
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise ConfigError(
                f"De gespreksopslag op {self.description} is niet bereikbaar (store.url): {reason}"
            ) from exc

    def open(self) -> None:
        with self._open_lock:
            if self._pool is not None:
                return
            self._probe()
            pool: ConnectionPool[psycopg.Connection[Row]] = ConnectionPool(
                self.url,
                min_size=self._sizes[0],
                max_size=self._sizes[1],
                timeout=self._timeout_s,
                kwargs={"autocommit": True},
                check=ConnectionPool.check_connection,  # a restarted server: reconnect
                name="belbot-store",
                open=False,
            )
            try:
                pool.open(wait=True, timeout=self._timeout_s)
            except PoolTimeout as exc:
                pool.close()
                raise ConfigError(
                    f"De gespreksopslag op {self.description} is niet bereikbaar binnen "
                    f"{self._timeout_s:g} s (store.url)."
                ) from exc
            self._pool = pool

    def close(self) -> None:
        with self._open_lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None

    def _pool_or_open(self) -> ConnectionPool[psycopg.Connection[Row]]:
        self.open()
        assert self._pool is not None
        return self._pool

    @staticmethod
    def _run(conn: psycopg.Connection[Row], sql: str, params: Sequence[Any]) -> Rows:
        try:
            cursor = conn.execute(placeholders(sql), tuple(params))
        except psycopg.IntegrityError as exc:
            raise ConstraintError(str(exc)) from exc
        if cursor.description is None:
            return Rows([], (), cursor.rowcount)
        columns = tuple(column.name for column in cursor.description)
        return Rows(cursor.fetchall(), columns, cursor.rowcount)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        if self._local.conn is not None:
            return self._run(self._local.conn, sql, params)
        with self._pool_or_open().connection() as conn:
            return self._run(conn, sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        batch = [tuple(row) for row in rows]
        if not batch:
            return
        with self.transaction(), self._local_conn().cursor() as cursor:
            try:
                cursor.executemany(placeholders(sql), batch)
            except psycopg.IntegrityError as exc:
                raise ConstraintError(str(exc)) from exc

    def _local_conn(self) -> psycopg.Connection[Row]:
        assert self._local.conn is not None
        return self._local.conn

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction on this thread's connection; a transaction opened inside
        another (same thread) joins it: one commit at the end."""
        local = self._local
        if local.depth:
            local.depth += 1
            try:
                yield
            finally:
                local.depth -= 1
            return
        with self._pool_or_open().connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            local.conn, local.depth = conn, 1
            try:
                yield
            finally:
                local.conn, local.depth = None, 0

    @contextmanager
    def snapshot(self) -> Iterator[RowStream]:
        """A repeatable-read, read-only transaction: one moment of the whole database, read
        with a server-side cursor so a large table is never in memory at once."""
        with self._pool_or_open().connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            counter = iter(range(1 << 30))

            def stream(sql: str) -> Iterator[Row]:
                with conn.cursor(name=f"belbot_dump_{next(counter)}") as cursor:
                    cursor.itersize = 1000
                    cursor.execute(placeholders(sql), ())
                    yield from cursor

            yield stream

    def tables(self) -> set[str]:
        rows = self.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
        return {str(row[0]) for row in rows}
