"""Quality monitoring: tags and measures on answers (backfilled from the records), tag
corrections, escalations, review queues, the audit log, daily counters and "niet bewaren".

Revision 0004. Stores from before Alembic list it in ``_migrations`` as
``0004_monitoring``.
"""

from __future__ import annotations

from alembic import op

from belbot.store.dialect import ddl, json_number, json_text

revision = "0004"
down_revision: str | None = "0003"
branch_labels = None
depends_on = None

MEASURES = """
        ALTER TABLE answers ADD COLUMN tag TEXT;
        ALTER TABLE answers ADD COLUMN tag_confidence REAL;
        ALTER TABLE answers ADD COLUMN path_class TEXT;
        ALTER TABLE answers ADD COLUMN total_ms REAL;
        ALTER TABLE answers ADD COLUMN cpu_ms REAL;
        ALTER TABLE answers ADD COLUMN support_min REAL;
"""

SCRIPT = """
        CREATE INDEX answers_created ON answers(created_at);
        CREATE INDEX answers_turn ON answers(turn_id);
        ALTER TABLE conversations ADD COLUMN retain INTEGER NOT NULL DEFAULT 1;
        CREATE INDEX conversations_created ON conversations(created_at);
        CREATE INDEX feedback_answer ON feedback(answer_id);
        CREATE INDEX events_answer ON events(answer_id);
        CREATE TABLE tag_corrections (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            answer_id TEXT NOT NULL REFERENCES answers(id),
            old_tag TEXT,
            new_tag TEXT NOT NULL,
            monitor_id TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX tag_corrections_answer ON tag_corrections(answer_id, id);
        CREATE TABLE escalations (
            id TEXT PRIMARY KEY,
            conversation_id TEXT NOT NULL REFERENCES conversations(id),
            answer_id TEXT,
            agent_id TEXT NOT NULL,
            target TEXT NOT NULL,
            reason TEXT NOT NULL,
            note TEXT,
            tag TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX escalations_conversation ON escalations(conversation_id);
        CREATE INDEX escalations_created ON escalations(created_at);
        CREATE TABLE review_items (
            id TEXT PRIMARY KEY,
            batch_id TEXT NOT NULL,
            answer_id TEXT NOT NULL REFERENCES answers(id),
            stratum TEXT NOT NULL,
            period TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (batch_id, answer_id)
        );
        CREATE INDEX review_items_answer ON review_items(answer_id);
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            item_id TEXT NOT NULL REFERENCES review_items(id),
            answer_id TEXT NOT NULL REFERENCES answers(id),
            reviewer_id TEXT NOT NULL,
            verdict TEXT NOT NULL
                CHECK (verdict IN ('juist', 'deels juist', 'onjuist', 'had moeten weigeren')),
            error_category TEXT,
            corrected_answer TEXT,
            chunk_id TEXT,
            note TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (item_id, reviewer_id)
        );
        CREATE INDEX reviews_answer ON reviews(answer_id);
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            actor_id TEXT NOT NULL,
            role TEXT NOT NULL,
            action TEXT NOT NULL,
            target_kind TEXT NOT NULL,
            target_id TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX audit_log_created ON audit_log(created_at);
        CREATE TABLE counters (
            day TEXT NOT NULL,
            name TEXT NOT NULL,
            value REAL NOT NULL,
            PRIMARY KEY (day, name)
        )

"""


def _backfill(dialect: str) -> str:
    """The new measures of the answers stored before this revision, from their records."""
    total = json_number(dialect, "record", "timings", "total_ms")
    cpu = json_number(dialect, "record", "timings", "cpu_ms")
    reason = json_text(dialect, "record", "path_reason")
    return (
        f"UPDATE answers SET total_ms = {total}, cpu_ms = COALESCE({cpu}, 0), "
        f"path_class = CASE WHEN path = 'refused' AND {reason} LIKE 'guardrail: %' "
        "THEN 'blocked' ELSE path END"
    )


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in [*ddl(MEASURES, dialect), _backfill(dialect), *ddl(SCRIPT, dialect)]:
        op.execute(statement)


def downgrade() -> None:
    raise NotImplementedError("Migraties gaan alleen vooruit; herstel een reservekopie.")
