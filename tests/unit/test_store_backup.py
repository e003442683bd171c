"""`belbot db backup` / `restore`: one portable file that either engine writes and restores,
SQLite to PostgreSQL and back included; every row comes back, ids carry on after it; a
restore refuses a non-empty store, another schema revision and a cut-off file in Dutch, and
then leaves the target as it was."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from belbot.cli import db_cmd
from belbot.cli.context import CliState
from belbot.settings import load_settings
from belbot.store.backup import IDENTITY_TABLES, NOT_DATA, TABLES, StoreBackupError, backup, restore
from belbot.store.database import Database
from belbot.store.postgres import PostgresDatabase
from belbot.store.schema import head_revision
from belbot.store.sqlite import SqliteDatabase
from belbot.store.store import ConversationStore
from belbot.store.training import TrainingStore
from tests.conftest import PostgresLease

from .conftest import Clock
from .test_eval_ops import fill
from .test_retention import monitored

pytestmark = pytest.mark.unit

NewStore = Callable[..., ConversationStore]


def filled(store: ConversationStore, clock: Clock) -> ConversationStore:
    """A row in every table."""
    fill(store, clock)
    monitored(store)
    store.add_api_key("agent", "a1", key="bb_reservekopie")
    conversation = store.db.execute("SELECT id FROM conversations ORDER BY id").fetchone()[0]
    store.db.execute(
        "INSERT INTO confirmations (id, conversation_id, version, status, record, draft_text, "
        "agent_id, created_at) VALUES ('k1', ?, 1, 'draft', '{}', 'Geachte [NAAM],', 'a1', ?)",
        (conversation, "2025-03-06T10:00:00.000+00:00"),
    )
    store.db.execute(
        "INSERT INTO audit_log (actor_id, role, action, target_kind, target_id, created_at) "
        "VALUES ('mona', 'monitor', 'trace', 'answer', 'x', '2025-03-06T10:00:00.000+00:00')"
    )
    store.add_counters("2025-01-15", {"answers": 3, "latency.le.250": 2.5})
    practice(store)
    return store


def practice(store: ConversationStore) -> None:
    """A scenario, a practice session with a question to the caller and a checked answer."""
    from tests.unit.test_training import REACH

    rows = TrainingStore(store)
    rows.add_scenarios([REACH])
    conversation = store.new_conversation("a1", practice=True)
    session = rows.session(rows.new_session("a1", REACH, conversation))
    rows.add_ask(session.id, "Heeft u gebeld?", "a1")
    rows.save_attempt(session, "92% binnen 5 minuten.", {"score": 0.4}, 0.4, False)


def content(store: ConversationStore) -> dict[str, list[tuple[Any, ...]]]:
    return {
        table: store.db.execute(f"SELECT * FROM {table} ORDER BY {key}").fetchall()
        for table, key in TABLES
    }


def data_lines(path: Path) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as file:
        return file.readlines()[1:]  # all but the header (engine, time)


def test_the_tables_listed_are_the_schema(new_store: NewStore) -> None:
    db = new_store().db
    assert {table for table, _ in TABLES} == db.tables() - NOT_DATA
    autoincrement = {
        table
        for table, _ in TABLES
        if db.dialect == "postgresql"
        or "AUTOINCREMENT"
        in db.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    }
    if db.dialect == "sqlite":
        assert autoincrement == set(IDENTITY_TABLES)


def test_round_trip_on_one_engine(new_store: NewStore, clock: Clock, tmp_path: Path) -> None:
    source = filled(new_store(), clock)
    out = tmp_path / "reservekopieen" / "belbot.jsonl.gz"
    report = backup(source, out)
    assert report.revision == head_revision() and all(report.rows.values())
    with gzip.open(out, "rt", encoding="utf-8") as file:
        header = json.loads(file.readline())
    assert header["format"] == "belbot-store-backup" and header["revision"] == head_revision()

    target = new_store("kopie")
    restored = restore(target, out)
    assert restored.rows == report.rows
    assert content(target) == content(source)
    again = backup(target, tmp_path / "opnieuw.jsonl.gz")
    assert data_lines(again.path) == data_lines(out)  # byte for byte, header aside


def test_sqlite_to_postgresql_and_back(
    tmp_path: Path, clock: Clock, pg_lease: PostgresLease
) -> None:
    lite = filled(ConversationStore(SqliteDatabase(tmp_path / "belbot.db")), clock)
    backup(lite, tmp_path / "lite.jsonl.gz")
    pg = ConversationStore(PostgresDatabase(pg_lease.database()))
    restore(pg, tmp_path / "lite.jsonl.gz")
    assert content(pg) == content(lite)

    answer_id = pg.db.execute("SELECT id FROM answers ORDER BY id").fetchone()[0]
    last = pg.db.execute("SELECT MAX(id) FROM feedback_history").fetchone()[0]
    pg.save_feedback(answer_id, "a7", "up", None, None)  # PostgreSQL's ids carry on
    assert pg.db.execute("SELECT MAX(id) FROM feedback_history").fetchone()[0] == last + 1

    backup(pg, tmp_path / "pg.jsonl.gz")
    back = ConversationStore(SqliteDatabase(tmp_path / "terug.db"))
    restore(back, tmp_path / "pg.jsonl.gz")
    assert content(back) == content(pg)


def _rewrite(source: Path, target: Path, edit: Callable[[list[str]], list[str]]) -> Path:
    with gzip.open(source, "rt", encoding="utf-8") as file:
        lines = file.readlines()
    with gzip.open(target, "wt", encoding="utf-8") as file:
        file.writelines(edit(lines))
    return target


def test_restore_refuses_in_dutch_and_changes_nothing(
    new_store: NewStore, clock: Clock, tmp_path: Path
) -> None:
    source = filled(new_store(), clock)
    good = backup(source, tmp_path / "goed.jsonl.gz").path
    with pytest.raises(StoreBackupError, match="is niet leeg: tabel conversations"):
        restore(source, good)

    empty = new_store("leeg")
    older = _rewrite(
        good, tmp_path / "oud.jsonl.gz", lambda ls: [ls[0].replace(':"0005"', ':"0003"'), *ls[1:]]
    )
    with pytest.raises(StoreBackupError, match="schemaversie 0003, de doelopslag 0005"):
        restore(empty, older)
    cut = _rewrite(good, tmp_path / "kort.jsonl.gz", lambda ls: ls[:-1])
    with pytest.raises(StoreBackupError, match="onvolledig"):
        restore(empty, cut)
    (tmp_path / "rommel.gz").write_bytes(b"geen gzip")
    with pytest.raises(StoreBackupError, match="geen leesbare BelBot-reservekopie"):
        restore(empty, tmp_path / "rommel.gz")
    assert all(rows == [] for rows in content(empty).values())  # the cut-off one rolled back
    restore(empty, good)
    assert content(empty) == content(source)


def _cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main(ctx: typer.Context) -> None:
        # Settings up front: CliState would configure logging onto the runner's stream.
        ctx.obj = CliState(_settings=load_settings(None))

    app.add_typer(db_cmd.app, name="db")
    return app


def _configure(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the CLI's settings at ``db``."""
    if isinstance(db, SqliteDatabase):
        monkeypatch.setenv("BELBOT_STORE__PATH", str(db.path))
    else:
        assert isinstance(db, PostgresDatabase)
        monkeypatch.setenv("BELBOT_STORE__URL", db.url)


def test_cli_backup_status_and_restore(
    new_store: NewStore,
    new_database: Callable[..., Database],
    clock: Clock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = filled(new_store(), clock)  # the configured store
    out = tmp_path / "belbot-backup.jsonl.gz"
    runner = CliRunner()
    done = runner.invoke(_cli(), ["db", "backup", "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert "schemaversie 0005" in done.stdout and out.is_file()
    status = runner.invoke(_cli(), ["db", "status"])
    assert status.exit_code == 0 and "Schemaversie: 0005 (nieuwste: 0005)" in status.stdout
    refused = runner.invoke(_cli(), ["db", "restore", str(out)])
    assert refused.exit_code == 1 and "is niet leeg" in " ".join(refused.output.split())

    _configure(new_database("leeg"), monkeypatch)
    restored = runner.invoke(_cli(), ["db", "restore", str(out)])
    assert restored.exit_code == 0, restored.output
    assert f"{sum(backup(source, tmp_path / 'x.gz').rows.values())} rijen" in restored.stdout
