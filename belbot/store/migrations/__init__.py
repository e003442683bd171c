"""The store's schema as Alembic revisions (``versions/``), forward only: never edit one that
shipped, add the next. Each revision's DDL is written once, for SQLite as it shipped, and
translated for PostgreSQL by ``belbot.store.dialect.ddl``.

Stores from before Alembic recorded their migrations by name in a ``_migrations`` table;
``LEGACY_NAMES`` maps those names to the revisions that replaced them."""

from __future__ import annotations

from pathlib import Path

SCRIPT_LOCATION = Path(__file__).parent

LEGACY_NAMES = {
    "0001_conversations_turns_answers": "0001",
    "0002_agents_feedback_events": "0002",
    "0003_confirmations": "0003",
    "0004_monitoring": "0004",
}
