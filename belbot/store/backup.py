"""Portable backups of the conversation store: one gzip file of JSON Lines that either engine
writes and either engine restores (so it also moves a store from SQLite to PostgreSQL).

Layout: a header object (format, schema revision, engine, time); per table an object naming
the table and its columns, then one JSON array per row, in key order; last an end object with
the row count per table. A backup is read from one consistent snapshot and written under a
temporary name first. A restore needs an empty store at the backup's schema revision and
runs in one transaction: a cut-off or refused file leaves the target as it was."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from belbot import __version__
from belbot.errors import BelbotError
from belbot.logs import get_logger
from belbot.store.database import Database
from belbot.store.dialect import reset_identity
from belbot.store.schema import current_revision
from belbot.store.store import ConversationStore
from belbot.store.types import now_iso

log = get_logger(__name__)

FORMAT = "belbot-store-backup"
FORMAT_VERSION = 1
BATCH = 500

# Every table of the schema, parents before children (restore inserts in this order), with
# the key its rows are written in. Tests check the list against the migrated schema.
TABLES: tuple[tuple[str, str], ...] = (
    ("conversations", "id"),
    ("turns", "id"),
    ("answers", "id"),
    ("api_keys", "id"),
    ("feedback", "answer_id, agent_id"),
    ("feedback_history", "id"),
    ("events", "id"),
    ("confirmations", "id"),
    ("tag_corrections", "id"),
    ("escalations", "id"),
    ("review_items", "id"),
    ("reviews", "id"),
    ("audit_log", "id"),
    ("counters", "day, name"),
    ("scenarios", "id"),
    ("practice_sessions", "id"),
    ("practice_asks", "id"),
    ("practice_attempts", "id"),
)
# Tables whose integer id the engine hands out; PostgreSQL's counter must move past them.
IDENTITY_TABLES = (
    "feedback_history",
    "events",
    "tag_corrections",
    "reviews",
    "audit_log",
    "practice_asks",
)
# Bookkeeping, not data: the schema revision travels in the header.
NOT_DATA = {"alembic_version", "_migrations", "sqlite_sequence"}


class StoreBackupError(BelbotError):
    code = "store_backup"


@dataclass(frozen=True)
class BackupReport:
    path: Path
    revision: str
    engine: str
    rows: dict[str, int]


def _check_tables(db: Database) -> None:
    missing = db.tables() - NOT_DATA - {name for name, _ in TABLES}
    if missing:  # a migration added a table and nobody told the backup
        raise StoreBackupError(
            f"Tabel(len) {', '.join(sorted(missing))} ontbreken in de reservekopie-indeling."
        )


def _columns(db: Database, table: str) -> tuple[str, ...]:
    return db.execute(f"SELECT * FROM {table} WHERE 1 = 0").columns


def backup(store: ConversationStore, out: Path) -> BackupReport:
    """Write every row of ``store`` to ``out`` (gzip JSON Lines)."""
    db = store.db
    _check_tables(db)
    revision = current_revision(db) or ""
    rows: dict[str, int] = {}
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.{os.getpid()}.part")
    try:
        with db.snapshot() as stream, gzip.open(partial, "wt", encoding="utf-8") as file:

            def line(value: Any) -> None:
                file.write(json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n")

            header = {"format": FORMAT, "format_version": FORMAT_VERSION, "revision": revision}
            line({**header, "engine": db.dialect, "belbot_version": __version__,
                  "created_at": now_iso()})  # fmt: skip
            for table, key in TABLES:
                line({"table": table, "columns": list(_columns(db, table))})
                rows[table] = 0
                for row in stream(f"SELECT * FROM {table} ORDER BY {key}"):
                    line(list(row))
                    rows[table] += 1
            line({"end": True, "rows": rows})
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    log.info("store.backup_written", engine=db.dialect, revision=revision, rows=sum(rows.values()))
    return BackupReport(out, revision, db.dialect, rows)


def _lines(source: Path) -> Iterator[Any]:
    try:
        with gzip.open(source, "rt", encoding="utf-8") as file:
            for text in file:
                yield json.loads(text)
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreBackupError(
            f"{source} is geen leesbare BelBot-reservekopie (gzip met JSON-regels): "
            f"{type(exc).__name__}."
        ) from exc


def _check_header(header: Any, source: Path, target: str | None) -> dict[str, Any]:
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise StoreBackupError(f"{source} is geen BelBot-reservekopie.")
    if header.get("format_version") != FORMAT_VERSION:
        raise StoreBackupError(
            f"{source} heeft indelingsversie {header.get('format_version')}; deze BelBot-versie "
            f"leest versie {FORMAT_VERSION}."
        )
    revision = header.get("revision")
    if revision != target:
        raise StoreBackupError(
            f"De reservekopie heeft schemaversie {revision}, de doelopslag {target}: herstel "
            "met de BelBot-versie die de kopie maakte en migreer daarna, of maak een nieuwe "
            "kopie met deze versie."
        )
    return header


def _check_empty(db: Database) -> None:
    filled = [
        table
        for table, _ in TABLES
        if db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None
    ]
    if filled:
        raise StoreBackupError(
            f"De doelopslag ({db.description}) is niet leeg: tabel {', '.join(filled)} bevat "
            "al rijen. Herstel alleen in een lege opslag (een nieuwe database of een nieuw "
            "bestand, vóór de eerste start van de service)."
        )


def _insert(db: Database, table: str, columns: list[str], rows: list[list[Any]]) -> None:
    marks = ", ".join("?" * len(columns))
    db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def restore(store: ConversationStore, source: Path) -> BackupReport:
    """Fill the empty ``store`` from the backup ``source``, in one transaction."""
    db = store.db
    _check_tables(db)
    lines = _lines(source)
    header = _check_header(next(lines, None), source, current_revision(db))
    known = dict(TABLES)
    counts: dict[str, int] = {}
    table, columns = "", list[str]()  # the section being read
    batch: list[list[Any]] = []
    with store.transaction():
        _check_empty(db)
        for item in lines:
            if isinstance(item, list):
                if not table or len(item) != len(columns):
                    raise StoreBackupError(f"{source}: een rij hoort bij geen tabel of past niet.")
                batch.append(item)
                counts[table] += 1
                if len(batch) >= BATCH:
                    _insert(db, table, columns, batch)
                    batch = []
                continue
            if batch:
                _insert(db, table, columns, batch)
                batch = []
            if isinstance(item, dict) and item.get("end"):
                if item.get("rows") != counts:
                    raise StoreBackupError(f"{source}: de aantallen rijen kloppen niet.")
                break
            table, columns = _section(item, known, db, source)
            counts[table] = 0
        else:
            raise StoreBackupError(
                f"{source} is onvolledig (het eindrecord ontbreekt); er is niets hersteld."
            )
        for name in IDENTITY_TABLES:
            statement = reset_identity(db.dialect, name)
            if statement:
                db.execute(statement)
    log.info("store.restored", engine=db.dialect, revision=header["revision"],
             from_engine=header.get("engine"), rows=sum(counts.values()))  # fmt: skip
    return BackupReport(source, str(header["revision"]), db.dialect, counts)


def _section(item: Any, known: dict[str, str], db: Database, source: Path) -> tuple[str, list[str]]:
    """The table a section header names and its columns, checked against the target."""
    table = item.get("table") if isinstance(item, dict) else None
    if table not in known:
        raise StoreBackupError(f"{source}: onbekende tabel {table!r}.")
    columns = [str(c) for c in item.get("columns", [])]
    if sorted(columns) != sorted(_columns(db, table)):
        raise StoreBackupError(f"{source}: de kolommen van {table} wijken af van de doelopslag.")
    return table, columns
