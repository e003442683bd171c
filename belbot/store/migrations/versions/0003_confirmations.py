"""The caller's written confirmations, versioned per conversation.

Revision 0003. Stores from before Alembic list it in ``_migrations`` as
``0003_confirmations``.
"""

from __future__ import annotations

from alembic import op

from belbot.store.dialect import ddl

revision = "0003"
down_revision: str | None = "0002"
branch_labels = None
depends_on = None

SCRIPT = """
        CREATE TABLE confirmations (
            id TEXT PRIMARY KEY,
            conversation_id TEXT NOT NULL REFERENCES conversations(id),
            version INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('draft', 'approved')),
            record TEXT NOT NULL,
            draft_text TEXT NOT NULL,
            final_text TEXT,
            diff TEXT,
            agent_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            approved_at TEXT,
            seconds_to_approve REAL,
            UNIQUE (conversation_id, version)
        );
        CREATE INDEX confirmations_conversation ON confirmations(conversation_id, version)

"""


def upgrade() -> None:
    for statement in ddl(SCRIPT, op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    raise NotImplementedError("Migraties gaan alleen vooruit; herstel een reservekopie.")
