"""Bringing a store's schema up to date, on either engine, without loss (Alembic).

Opening a store calls ``migrate``: when the database is already at the newest revision
that is one cheap query. Otherwise the revisions run on a connection of their own, in one
transaction that also holds the engine's lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: an
advisory lock), so two processes starting together migrate once. A store from before Alembic
(a ``_migrations`` table with names) is adopted first: stamped at the revision its names
reach, then continued; its tables and rows are never re-created."""

from __future__ import annotations

from functools import cache
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from belbot.errors import BelbotError
from belbot.logs import get_logger
from belbot.store.database import Database
from belbot.store.migrations import LEGACY_NAMES, SCRIPT_LOCATION
from belbot.store.postgres import WRITE_LOCK

log = get_logger(__name__)

MIGRATION_LOCK = WRITE_LOCK + 1
SQLITE_TIMEOUT_S = 30.0


class StoreSchemaError(BelbotError):
    code = "store_schema"


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory(str(SCRIPT_LOCATION))


def revisions() -> list[str]:
    """Every revision, oldest first."""
    return [script.revision for script in reversed(list(_scripts().walk_revisions()))]


def head_revision() -> str:
    head = _scripts().get_current_head()
    assert head is not None
    return head


def _legacy_revision(names: list[str]) -> str:
    known = list(LEGACY_NAMES)
    if not names or names != known[: len(names)]:
        raise StoreSchemaError(
            "De gespreksopslag heeft migraties die deze BelBot-versie niet kent "
            f"({', '.join(names) or 'geen'}); gebruik de BelBot-versie die haar schreef."
        )
    return LEGACY_NAMES[names[-1]]


def _state(db: Database) -> tuple[str | None, bool]:
    """(revision, stamped by Alembic). A store from before Alembic counts by its names."""
    tables = db.tables()
    if "alembic_version" in tables:
        row = db.execute("SELECT version_num FROM alembic_version").fetchone()
        if row is not None:
            return str(row[0]), True
    if "_migrations" in tables:
        names = [str(r[0]) for r in db.execute("SELECT name FROM _migrations ORDER BY name")]
        return _legacy_revision(names), False
    return None, False


def current_revision(db: Database) -> str | None:
    """The database's schema revision; None for an empty database."""
    return _state(db)[0]


def _engine(db: Database) -> Engine:
    if db.dialect == "postgresql":
        return create_engine(db.sqlalchemy_url, poolclass=NullPool)
    engine = create_engine(
        db.sqlalchemy_url, poolclass=NullPool, connect_args={"timeout": SQLITE_TIMEOUT_S}
    )

    # Python's sqlite3 would not begin a transaction before DDL: begin it ourselves, and
    # IMMEDIATE, so a second process waits here instead of migrating too.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _adopt_legacy(connection: Connection) -> str | None:
    """Stamp a store from before Alembic at the revision its ``_migrations`` names reach.
    Its ``_migrations`` table stays as it was."""
    found = inspect(connection)
    if not found.has_table("_migrations") or found.has_table("alembic_version"):
        return None
    rows = connection.execute(text("SELECT name FROM _migrations ORDER BY name"))
    revision = _legacy_revision([str(row[0]) for row in rows])
    MigrationContext.configure(connection).stamp(_scripts(), revision)
    return revision


def migrate(db: Database, target: str = "head") -> None:
    """Upgrade ``db`` to ``target`` (tests upgrade to earlier revisions too)."""
    before, stamped = _state(db)
    if before is not None and before not in revisions():
        raise StoreSchemaError(
            f"De gespreksopslag heeft schemaversie {before}, die deze BelBot-versie niet kent "
            "(een nieuwere versie schreef haar); gebruik die versie of herstel een reservekopie."
        )
    wanted = head_revision() if target == "head" else target
    if stamped and before == wanted:
        return
    engine = _engine(db)
    try:
        with engine.begin() as connection:
            if db.dialect == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                )
            adopted = _adopt_legacy(connection)
            config = Config()
            config.set_main_option("script_location", str(SCRIPT_LOCATION))
            config.attributes["connection"] = connection
            command.upgrade(config, wanted)
    finally:
        engine.dispose()
    log.info(
        "store.migrated",
        engine=db.dialect,
        revision_before=before,
        revision=wanted,
        adopted_legacy=adopted,
    )
