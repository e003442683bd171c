"""Practice mode: a ``coach`` role for API keys, practice conversations kept apart from
production, scenarios with their coach review, practice sessions, the trainee's questions to
the simulated caller and the checked answers.

Revision 0005. The practice tables hold no foreign key to ``conversations``: retention may
delete a practice conversation while the trainee's progress stays.
"""

from __future__ import annotations

from alembic import op

from belbot.store.dialect import ddl

revision = "0005"
down_revision: str | None = "0004"
branch_labels = None
depends_on = None

ROLES = "('agent', 'monitor', 'admin', 'coach')"
# SQLite cannot change a CHECK constraint in place: the table is rebuilt (no table refers to it).
SQLITE_ROLES = f"""
        CREATE TABLE api_keys_new (
            id TEXT PRIMARY KEY,
            key_hash TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL CHECK (role IN {ROLES}),
            agent_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
        INSERT INTO api_keys_new (id, key_hash, role, agent_id, created_at, revoked_at)
            SELECT id, key_hash, role, agent_id, created_at, revoked_at FROM api_keys;
        DROP TABLE api_keys;
        ALTER TABLE api_keys_new RENAME TO api_keys
"""
POSTGRES_ROLES = [
    "ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check",
    f"ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN {ROLES})",
]

SCRIPT = """
        ALTER TABLE conversations ADD COLUMN practice INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE scenarios (
            id TEXT PRIMARY KEY,
            tag TEXT NOT NULL,
            status TEXT NOT NULL
                CHECK (status IN ('draft', 'approved', 'rejected', 'needs_review')),
            origin TEXT NOT NULL,
            body TEXT NOT NULL,
            reason TEXT,
            reviewed_by TEXT,
            reviewed_at TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX scenarios_status ON scenarios(status, tag);
        CREATE TABLE practice_sessions (
            id TEXT PRIMARY KEY,
            agent_id TEXT NOT NULL,
            scenario_id TEXT NOT NULL REFERENCES scenarios(id),
            conversation_id TEXT NOT NULL,
            tag TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX practice_sessions_agent ON practice_sessions(agent_id, created_at);
        CREATE TABLE practice_asks (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id TEXT NOT NULL REFERENCES practice_sessions(id),
            question TEXT NOT NULL,
            ask_id TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX practice_asks_session ON practice_asks(session_id, id);
        CREATE TABLE practice_attempts (
            id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL UNIQUE REFERENCES practice_sessions(id),
            agent_id TEXT NOT NULL,
            scenario_id TEXT NOT NULL REFERENCES scenarios(id),
            tag TEXT NOT NULL,
            answer TEXT NOT NULL,
            result TEXT NOT NULL,
            score REAL NOT NULL,
            passed INTEGER NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX practice_attempts_agent ON practice_attempts(agent_id, tag, created_at)
"""


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    roles = ddl(SQLITE_ROLES, dialect) if dialect == "sqlite" else POSTGRES_ROLES
    for statement in [*roles, *ddl(SCRIPT, dialect)]:
        op.execute(statement)


def downgrade() -> None:
    raise NotImplementedError("Migraties gaan alleen vooruit; herstel een reservekopie.")
