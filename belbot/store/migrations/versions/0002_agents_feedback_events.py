"""Agents on conversations, API keys (hashes only), feedback with its history, and the
side panel's interaction events.

Revision 0002. Stores from before Alembic list it in ``_migrations`` as
``0002_agents_feedback_events``.
"""

from __future__ import annotations

from alembic import op

from belbot.store.dialect import ddl

revision = "0002"
down_revision: str | None = "0001"
branch_labels = None
depends_on = None

SCRIPT = """
        ALTER TABLE conversations ADD COLUMN agent_id TEXT NOT NULL DEFAULT '';
        ALTER TABLE conversations ADD COLUMN ended_at TEXT;
        CREATE INDEX conversations_agent ON conversations(agent_id, created_at);
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            key_hash TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL CHECK (role IN ('agent', 'monitor', 'admin')),
            agent_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE TABLE feedback (
            answer_id TEXT NOT NULL REFERENCES answers(id),
            agent_id TEXT NOT NULL,
            rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
            reason TEXT,
            comment TEXT,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (answer_id, agent_id)
        );
        CREATE TABLE feedback_history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            answer_id TEXT NOT NULL,
            agent_id TEXT NOT NULL,
            rating TEXT NOT NULL,
            reason TEXT,
            comment TEXT,
            created_at TEXT NOT NULL
        );
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            conversation_id TEXT,
            answer_id TEXT,
            chunk_id TEXT,
            agent_id TEXT NOT NULL,
            client_time TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX events_conversation ON events(conversation_id, created_at)

"""


def upgrade() -> None:
    for statement in ddl(SCRIPT, op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    raise NotImplementedError("Migraties gaan alleen vooruit; herstel een reservekopie.")
