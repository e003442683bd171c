"""The one interface the store's SQL runs through, whatever the engine.

The SQL is written once, with ``?`` placeholders and ISO timestamps as text, and runs on the
embedded SQLite file (`belbot/store/sqlite.py`) or on PostgreSQL (`belbot/store/postgres.py`).
Where the two dialects differ, ``belbot/store/dialect.py`` says so in one place."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Literal, Protocol

Dialect = Literal["sqlite", "postgresql"]
Row = tuple[Any, ...]
# Streams the rows of one query inside a consistent read (backups).
RowStream = Callable[[str], Iterator[Row]]


class ConstraintError(Exception):
    """A unique, foreign-key or check constraint refused a write (either engine)."""


@dataclass(frozen=True)
class Rows:
    """A statement's outcome, fetched whole: its rows, their column names and, for a write,
    the number of rows it changed."""

    rows: list[Row]
    columns: tuple[str, ...] = ()
    rowcount: int = -1

    def fetchone(self) -> Any:
        """The first row or None (typed Any, as in the DB-API, for ``fetchone()[0]``)."""
        return self.rows[0] if self.rows else None

    def fetchall(self) -> list[Row]:
        return self.rows

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)


class Database(Protocol):
    """One store database. ``execute`` outside ``transaction()`` commits at once; inside it,
    the statements of the calling thread share the transaction. Write transactions run one at
    a time across every process using the database (SQLite: BEGIN IMMEDIATE; PostgreSQL: a
    transaction-scoped advisory lock), so read-then-write code cannot interleave."""

    @property
    def dialect(self) -> Dialect: ...

    @property
    def sqlalchemy_url(self) -> str:
        """For the migrations (Alembic), which run on their own connection."""
        ...

    @property
    def description(self) -> str:
        """Where the data lives, for messages and logs (never a password)."""
        ...

    def open(self) -> None: ...

    def close(self) -> None: ...

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows: ...

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    def transaction(self) -> AbstractContextManager[None]: ...

    def snapshot(self) -> AbstractContextManager[RowStream]:
        """A consistent, read-only view of the whole database, on a connection of its own."""
        ...

    def tables(self) -> set[str]: ...
