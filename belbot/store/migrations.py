"""Named, ordered schema migrations. Applied once each, recorded in ``_migrations``; never
edit one that shipped, add the next."""

from __future__ import annotations

MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_conversations_turns_answers",
        """
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
        """,
    ),
    (
        "0002_agents_feedback_events",
        """
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
        """,
    ),
    (
        "0003_confirmations",
        """
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
        """,
    ),
]
