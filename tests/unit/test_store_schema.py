"""The store's schema under Alembic: a SQLite file written before Alembic (its ``_migrations``
names) is adopted and continued, never re-created; a fresh SQLite store has exactly the schema
the old migrations gave; PostgreSQL gets the same tables with byte-order text and 8-byte
floats; unknown revisions are refused in Dutch; both engines order text alike."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from belbot.store.database import ConstraintError, Database
from belbot.store.postgres import PostgresDatabase
from belbot.store.schema import StoreSchemaError, current_revision, head_revision, migrate
from belbot.store.sqlite import SqliteDatabase
from belbot.store.store import ConversationStore
from tests.conftest import PostgresLease

pytestmark = pytest.mark.unit

# Written by BelBot before Alembic (the store as of commit f8cafd5, `iterdump` of a filled
# store): a legacy file at 0004, with its `_migrations` names.
LEGACY_DUMP = Path(__file__).parent / "data" / "store_0004_legacy.sql"
TABLES = {"conversations", "turns", "answers", "api_keys", "feedback", "feedback_history",
          "events", "confirmations", "tag_corrections", "escalations", "review_items",
          "reviews", "audit_log", "counters"}  # fmt: skip
# Revision 0005 (practice mode) added these.
PRACTICE = {"scenarios", "practice_sessions", "practice_asks", "practice_attempts"}
BOOKKEEPING = {"_migrations", "alembic_version", "sqlite_sequence"}


def legacy_file(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(LEGACY_DUMP.read_text(encoding="utf-8"))
    conn.close()
    return path


def row_counts(db: Database) -> dict[str, int]:
    return {
        table: int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
        for table in sorted(db.tables() - BOOKKEEPING)
    }


def raw_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    counts = {t: int(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in TABLES}
    conn.close()
    return dict(sorted(counts.items()))


def schema(path: Path) -> set[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL")
    found = {(kind, name, " ".join(sql.split())) for kind, name, sql in rows}
    conn.close()
    return {item for item in found if item[1] not in BOOKKEEPING}


def test_a_store_from_before_alembic_is_adopted_and_continued(tmp_path: Path) -> None:
    path = legacy_file(tmp_path / "belbot.db")
    before = raw_counts(path)
    assert all(before.values())  # a row in every table
    store = ConversationStore(SqliteDatabase(path))
    assert store.revision() == head_revision() == "0005"
    assert {"_migrations", "alembic_version"} <= store.db.tables()  # names kept, stamp added
    assert store.db.execute("SELECT version_num FROM alembic_version").fetchall() == [("0005",)]
    # Nothing re-created, nothing lost (0005 rebuilt api_keys on SQLite: its rows are kept).
    assert row_counts(store.db) == {**before, **dict.fromkeys(PRACTICE, 0)}
    assert store.key_identity("bb_legacy-test-key") == ("agent", "a1")
    answer_id = store.db.execute("SELECT id FROM answers ORDER BY id").fetchone()[0]
    assert store.get(answer_id).answer.answer_id == answer_id
    last = store.db.execute("SELECT MAX(id) FROM feedback_history").fetchone()[0]
    store.save_feedback(answer_id, "a9", "up", None, None)  # AUTOINCREMENT carries on
    assert store.db.execute("SELECT MAX(id) FROM feedback_history").fetchone()[0] == last + 1
    store.close()
    again = ConversationStore(SqliteDatabase(path))  # a second start: nothing to do
    after = row_counts(again.db)
    assert (
        again.revision() == "0005" and after["feedback_history"] == before["feedback_history"] + 1
    )


def test_a_fresh_sqlite_store_has_the_schema_the_old_migrations_gave(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.db"
    ConversationStore(SqliteDatabase(fresh)).warm_up()
    legacy = legacy_file(tmp_path / "legacy.db")
    old = schema(legacy)
    ConversationStore(SqliteDatabase(legacy)).warm_up()  # adopted at 0004, then continued
    assert schema(fresh) == schema(legacy)
    assert {name for _, name, _ in old} < {name for _, name, _ in schema(fresh)}


def test_unknown_legacy_names_and_revisions_are_refused(tmp_path: Path) -> None:
    odd = sqlite3.connect(tmp_path / "odd.db")
    odd.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    odd.execute("INSERT INTO _migrations VALUES ('0001_iets_anders', '2025-01-01')")
    odd.commit()
    odd.close()
    with pytest.raises(StoreSchemaError, match="migraties die deze BelBot-versie niet kent"):
        ConversationStore(SqliteDatabase(tmp_path / "odd.db")).warm_up()
    newer = legacy_file(tmp_path / "newer.db")
    ConversationStore(SqliteDatabase(newer)).warm_up()
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '0099'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreSchemaError, match="schemaversie 0099"):
        ConversationStore(SqliteDatabase(newer)).warm_up()


def test_an_empty_database_is_migrated_to_the_newest_revision(
    new_database: Callable[..., Database],
) -> None:
    db = new_database("leeg", empty=True)
    db.open()
    assert current_revision(db) is None
    store = ConversationStore(db)
    assert store.revision() == head_revision()
    assert store.db.tables() - BOOKKEEPING == TABLES | PRACTICE


def test_postgres_columns_compare_bytewise_and_floats_are_doubles(pg_lease: PostgresLease) -> None:
    store = ConversationStore(PostgresDatabase(pg_lease.database()))
    columns = store.db.execute(
        "SELECT table_name, column_name, data_type, collation_name, is_identity "
        "FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name <> 'alembic_version'"
    ).fetchall()
    texts = [c for c in columns if c[2] == "text"]
    assert texts and all(c[3] == "C" for c in texts)
    assert {c[2] for c in columns} == {"text", "integer", "bigint", "double precision"}
    identities = {c[0] for c in columns if c[4] == "YES"}
    assert identities == {
        "feedback_history", "events", "tag_corrections", "reviews", "audit_log", "practice_asks"
    }  # fmt: skip


def test_text_orders_the_same_on_both_engines(new_store: Callable[..., ConversationStore]) -> None:
    store = new_store()
    names = ["b", "B", "a", "Z", "é", "e", "tag.ß", "tag.z", "10", "9", "a b", "a-b"]
    store.add_counters("2026-01-01", dict.fromkeys(names, 1))
    got = [r[0] for r in store.db.execute("SELECT name FROM counters ORDER BY name")]
    assert got == sorted(names)  # code point order, whatever the database's locale
    below = store.db.execute("SELECT COUNT(*) FROM counters WHERE name < 'a'").fetchone()[0]
    assert below == sum(name < "a" for name in names) == 4  # "B", "Z", "10", "9"


def test_a_broken_constraint_is_one_error_on_both_engines(
    new_store: Callable[..., ConversationStore],
) -> None:
    store = new_store()
    store.add_api_key("agent", "a1", key="bb_dubbel")
    with pytest.raises(ConstraintError):
        store.add_api_key("agent", "a2", key="bb_dubbel")
    with pytest.raises(ConstraintError), store.transaction():
        store.add_counters("2026-01-01", {"answers": 1})
        store.add_api_key("agent", "a3", key="bb_dubbel")
    assert store.db.execute("SELECT COUNT(*) FROM counters").fetchone()[0] == 0  # rolled back
    assert store.count_keys() == 1


def test_a_migration_that_fails_changes_nothing(
    new_database: Callable[..., Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = new_database("half", empty=True)
    db.open()
    migrate(db, "0003")
    # 0004's backfill breaks after its new columns were added: all of 0004 must roll back.
    monkeypatch.setattr("belbot.store.dialect.json_number", lambda *_: "geen_functie(record)")
    with pytest.raises(Exception, match="geen_functie"):
        migrate(db)
    assert current_revision(db) == "0003"
    assert "tag" not in db.execute("SELECT * FROM answers WHERE 1 = 0").columns
    assert "counters" not in db.tables()
    monkeypatch.undo()
    migrate(db)
    assert current_revision(db) == head_revision()
