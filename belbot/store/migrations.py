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
    (
        "0004_monitoring",
        """
        ALTER TABLE answers ADD COLUMN tag TEXT;
        ALTER TABLE answers ADD COLUMN tag_confidence REAL;
        ALTER TABLE answers ADD COLUMN path_class TEXT;
        ALTER TABLE answers ADD COLUMN total_ms REAL;
        ALTER TABLE answers ADD COLUMN cpu_ms REAL;
        ALTER TABLE answers ADD COLUMN support_min REAL;
        UPDATE answers SET
            total_ms = json_extract(record, '$.timings.total_ms'),
            cpu_ms = COALESCE(json_extract(record, '$.timings.cpu_ms'), 0),
            path_class = CASE
                WHEN path = 'refused' AND json_extract(record, '$.path_reason') LIKE 'guardrail: %'
                THEN 'blocked' ELSE path END;
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
        """,
    ),
]
