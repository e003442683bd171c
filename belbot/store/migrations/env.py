"""Alembic's environment: the migrations run on the connection ``belbot.store.schema`` opened,
inside its transaction (all revisions commit together or not at all)."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError(
        "De migraties lopen via BelBot (belbot.store.schema.migrate), niet los met alembic."
    )
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
