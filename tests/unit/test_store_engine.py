"""Choosing the store's engine: empty `store.url` is the SQLite file, a postgresql:// URL is
PostgreSQL; anything else is refused in Dutch; a password never shows; an unreachable server
fails at once with its reason; SQL with `?` and `%` reaches psycopg intact."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pydantic import ValidationError

from belbot.errors import ConfigError
from belbot.settings import Settings
from belbot.store.postgres import PostgresDatabase, placeholders
from belbot.store.sqlite import SqliteDatabase
from belbot.store.store import ConversationStore, open_database
from tests.conftest import PostgresLease

pytestmark = pytest.mark.unit

SECRET_URL = "postgresql://belbot:geheim-wachtwoord@127.0.0.1:1/belbot"


def test_the_url_setting_chooses_the_engine(tmp_path: Path) -> None:
    lite = open_database(Settings.model_validate({"paths": {"data_dir": tmp_path}}))
    assert isinstance(lite, SqliteDatabase) and lite.path == tmp_path / "belbot.db"
    settings = Settings.model_validate({"store": {"url": f"  {SECRET_URL} "}})
    pg = open_database(settings)
    assert isinstance(pg, PostgresDatabase) and pg.url == SECRET_URL
    assert pg.description == "postgresql://127.0.0.1:1/belbot"
    assert "geheim" not in settings.model_dump_json() and "geheim" not in repr(settings)
    with pytest.raises(ValidationError, match="moet leeg zijn \\(SQLite\\) of beginnen met"):
        Settings.model_validate({"store": {"url": "mysql://x@host/db"}})


def test_an_unreachable_server_fails_at_once_in_dutch() -> None:
    started = time.perf_counter()
    with pytest.raises(ConfigError, match="niet bereikbaar") as caught:
        ConversationStore(PostgresDatabase(SECRET_URL, timeout_s=10)).warm_up()
    assert time.perf_counter() - started < 5  # not the pool's whole timeout
    assert "geheim" not in caught.value.message


def test_placeholders_and_percent_signs_reach_postgres(pg_lease: PostgresLease) -> None:
    assert placeholders("a LIKE 'x%' AND b = ?") == "a LIKE 'x%%' AND b = %s"
    db = PostgresDatabase(pg_lease.database())
    db.execute("INSERT INTO counters VALUES (?, ?, ?)", ("2026-01-01", "100% ja?", 1.5))
    rows = db.execute("SELECT name, value FROM counters WHERE name LIKE '100%' AND day = ?",
                      ("2026-01-01",))  # fmt: skip
    assert rows.fetchall() == [("100% ja?", 1.5)] and rows.columns == ("name", "value")
