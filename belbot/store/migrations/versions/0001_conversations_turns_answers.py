"""Conversations, their turns and the answers with their whole record.

Revision 0001. Stores from before Alembic list it in ``_migrations`` as
``0001_conversations_turns_answers``.
"""

from __future__ import annotations

from alembic import op

from belbot.store.dialect import ddl

revision = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None

SCRIPT = """
        CREATE TABLE conversations (
            id TEXT PRIMARY KEY,
            created_at TEXT NOT NULL
        );
        CREATE TABLE turns (
            id TEXT PRIMARY KEY,
            conversation_id TEXT NOT NULL REFERENCES conversations(id),
            seq INTEGER NOT NULL,
            question TEXT NOT NULL,
            resolved_query TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (conversation_id, seq)
        );
        CREATE TABLE answers (
            id TEXT PRIMARY KEY,
            turn_id TEXT NOT NULL REFERENCES turns(id),
            request_id TEXT NOT NULL,
            path TEXT NOT NULL,
            cached INTEGER NOT NULL DEFAULT 0,
            cached_from TEXT,
            text TEXT NOT NULL,
            record TEXT NOT NULL,
            prompt TEXT NOT NULL,
            raw_output TEXT NOT NULL,
            index_version TEXT NOT NULL,
            model_sha256 TEXT NOT NULL,
            prompt_version TEXT NOT NULL,
            cache_key TEXT,
            near_key TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX answers_cache_key ON answers(cache_key) WHERE cached = 0;
        CREATE INDEX answers_near_key ON answers(near_key) WHERE cached = 0;
        CREATE INDEX turns_conversation ON turns(conversation_id, seq);

"""


def upgrade() -> None:
    for statement in ddl(SCRIPT, op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    raise NotImplementedError("Migraties gaan alleen vooruit; herstel een reservekopie.")
