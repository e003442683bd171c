BEGIN TRANSACTION;
CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT);
INSERT INTO "_migrations" VALUES('0001_conversations_turns_answers','2025-02-20T09:00:00.000+00:00');
INSERT INTO "_migrations" VALUES('0002_agents_feedback_events','2025-02-20T09:00:00.000+00:00');
INSERT INTO "_migrations" VALUES('0003_confirmations','2025-02-20T09:00:00.000+00:00');
INSERT INTO "_migrations" VALUES('0004_monitoring','2025-02-20T09:00:00.000+00:00');
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
        , tag TEXT, tag_confidence REAL, path_class TEXT, total_ms REAL, cpu_ms REAL, support_min REAL);
INSERT INTO "answers" VALUES('00308e6dab23401692776bc068f3924a-1','00308e6dab23401692776bc068f3924a:1','r','generated',0,NULL,'antwoord 00308e6dab23401692776bc068f3924a-1','{"answer_id":"00308e6dab23401692776bc068f3924a-1","request_id":"r","conversation_id":"00308e6dab23401692776bc068f3924a","turn":1,"question":"Wat is de wachttijd?","resolved_query":"Wat is de wachttijd?","text":"antwoord 00308e6dab23401692776bc068f3924a-1","path":"generated","path_reason":"modelantwoord doorstaat alle controles","citations":[],"retrieval":[],"verdicts":[],"model":{"backend":"fake","model_id":"fake","sha256":"0"},"index_version":"v1","prompt_version":"p1","params":{"max_tokens":96,"temperature":0.0,"top_k":1,"top_p":1.0,"repeat_penalty":1.1,"seed":42,"stop":["\n","Vraag:","Bronnen:","[Einde]"]},"config":{},"timings":{"retrieval_ms":0.0,"compose_ms":0.0,"prompt_ms":0.0,"prompt_processing_ms":0.0,"generation_ms":0.0,"verification_ms":0.0,"total_ms":0.0,"cpu_ms":0.0},"redactions":[],"guardrails":[],"policy_version":"","cached":false,"cached_from":null,"created_at":"2025-02-20T09:00:00.000+00:00","tag":null}','','','v1','0','p1',NULL,NULL,'2025-02-20T09:00:00.000+00:00','toeslagen',NULL,'generated',0.0,0.0,NULL);
INSERT INTO "answers" VALUES('d91fa9019a2e4a2c808c1a841af52bd9-1','d91fa9019a2e4a2c808c1a841af52bd9:1','r','generated',0,NULL,'antwoord d91fa9019a2e4a2c808c1a841af52bd9-1','{"answer_id":"d91fa9019a2e4a2c808c1a841af52bd9-1","request_id":"r","conversation_id":"d91fa9019a2e4a2c808c1a841af52bd9","turn":1,"question":"Wat is de wachttijd?","resolved_query":"Wat is de wachttijd?","text":"antwoord d91fa9019a2e4a2c808c1a841af52bd9-1","path":"generated","path_reason":"modelantwoord doorstaat alle controles","citations":[],"retrieval":[],"verdicts":[],"model":{"backend":"fake","model_id":"fake","sha256":"0"},"index_version":"v1","prompt_version":"p1","params":{"max_tokens":96,"temperature":0.0,"top_k":1,"top_p":1.0,"repeat_penalty":1.1,"seed":42,"stop":["\n","Vraag:","Bronnen:","[Einde]"]},"config":{},"timings":{"retrieval_ms":10.0,"compose_ms":0.0,"prompt_ms":0.0,"prompt_processing_ms":0.0,"generation_ms":800.0,"verification_ms":0.0,"total_ms":1000.0,"cpu_ms":2400.0},"redactions":[],"guardrails":[],"policy_version":"","cached":false,"cached_from":null,"created_at":"2025-03-03T09:00:00.000+00:00","tag":null}','','','v1','0','p1',NULL,NULL,'2025-03-03T09:00:00.000+00:00',NULL,NULL,'generated',1000.0,2400.0,NULL);
INSERT INTO "answers" VALUES('d91fa9019a2e4a2c808c1a841af52bd9-2','d91fa9019a2e4a2c808c1a841af52bd9:2','r','extractive',0,NULL,'antwoord d91fa9019a2e4a2c808c1a841af52bd9-2','{"answer_id":"d91fa9019a2e4a2c808c1a841af52bd9-2","request_id":"r","conversation_id":"d91fa9019a2e4a2c808c1a841af52bd9","turn":2,"question":"Wat is de wachttijd?","resolved_query":"Wat is de wachttijd?","text":"antwoord d91fa9019a2e4a2c808c1a841af52bd9-2","path":"extractive","path_reason":"modelantwoord afgekeurd: numbers","citations":[],"retrieval":[],"verdicts":[],"model":{"backend":"fake","model_id":"fake","sha256":"0"},"index_version":"v1","prompt_version":"p1","params":{"max_tokens":96,"temperature":0.0,"top_k":1,"top_p":1.0,"repeat_penalty":1.1,"seed":42,"stop":["\n","Vraag:","Bronnen:","[Einde]"]},"config":{},"timings":{"retrieval_ms":20.0,"compose_ms":0.0,"prompt_ms":0.0,"prompt_processing_ms":0.0,"generation_ms":0.0,"verification_ms":0.0,"total_ms":3000.0,"cpu_ms":3600.0},"redactions":[],"guardrails":[],"policy_version":"","cached":false,"cached_from":null,"created_at":"2025-03-03T09:01:00.000+00:00","tag":null}','','','v1','0','p1',NULL,NULL,'2025-03-03T09:01:00.000+00:00',NULL,NULL,'extractive',3000.0,3600.0,NULL);
INSERT INTO "answers" VALUES('9cdbbbc104e3448b85247999bd591bae-1','9cdbbbc104e3448b85247999bd591bae:1','r','refused',0,NULL,'antwoord 9cdbbbc104e3448b85247999bd591bae-1','{"answer_id":"9cdbbbc104e3448b85247999bd591bae-1","request_id":"r","conversation_id":"9cdbbbc104e3448b85247999bd591bae","turn":1,"question":"Wat is de wachttijd?","resolved_query":"Wat is de wachttijd?","text":"antwoord 9cdbbbc104e3448b85247999bd591bae-1","path":"refused","path_reason":"te weinig","citations":[],"retrieval":[],"verdicts":[],"model":{"backend":"fake","model_id":"fake","sha256":"0"},"index_version":"v1","prompt_version":"p1","params":{"max_tokens":96,"temperature":0.0,"top_k":1,"top_p":1.0,"repeat_penalty":1.1,"seed":42,"stop":["\n","Vraag:","Bronnen:","[Einde]"]},"config":{},"timings":{"retrieval_ms":5.0,"compose_ms":0.0,"prompt_ms":0.0,"prompt_processing_ms":0.0,"generation_ms":0.0,"verification_ms":0.0,"total_ms":500.0,"cpu_ms":600.0},"redactions":[],"guardrails":[],"policy_version":"","cached":false,"cached_from":null,"created_at":"2025-03-04T10:00:00.000+00:00","tag":null}','','','v1','0','p1',NULL,NULL,'2025-03-04T10:00:00.000+00:00',NULL,NULL,'refused',500.0,600.0,NULL);
INSERT INTO "answers" VALUES('9cdbbbc104e3448b85247999bd591bae-2','9cdbbbc104e3448b85247999bd591bae:2','r','generated',1,'d91fa9019a2e4a2c808c1a841af52bd9-1','antwoord 9cdbbbc104e3448b85247999bd591bae-2','{"answer_id":"9cdbbbc104e3448b85247999bd591bae-2","request_id":"r","conversation_id":"9cdbbbc104e3448b85247999bd591bae","turn":2,"question":"Wat is de wachttijd?","resolved_query":"Wat is de wachttijd?","text":"antwoord 9cdbbbc104e3448b85247999bd591bae-2","path":"generated","path_reason":"modelantwoord doorstaat alle controles","citations":[],"retrieval":[],"verdicts":[],"model":{"backend":"fake","model_id":"fake","sha256":"0"},"index_version":"v1","prompt_version":"p1","params":{"max_tokens":96,"temperature":0.0,"top_k":1,"top_p":1.0,"repeat_penalty":1.1,"seed":42,"stop":["\n","Vraag:","Bronnen:","[Einde]"]},"config":{},"timings":{"retrieval_ms":0.0,"compose_ms":0.0,"prompt_ms":0.0,"prompt_processing_ms":0.0,"generation_ms":0.0,"verification_ms":0.0,"total_ms":5.0,"cpu_ms":0.0},"redactions":[],"guardrails":[],"policy_version":"","cached":true,"cached_from":"d91fa9019a2e4a2c808c1a841af52bd9-1","created_at":"2025-03-04T10:01:00.000+00:00","tag":null}','','','v1','0','p1',NULL,NULL,'2025-03-04T10:01:00.000+00:00',NULL,NULL,'generated',5.0,0.0,NULL);
INSERT INTO "answers" VALUES('9cdbbbc104e3448b85247999bd591bae-3','9cdbbbc104e3448b85247999bd591bae:3','r','refused',0,NULL,'antwoord 9cdbbbc104e3448b85247999bd591bae-3','{"answer_id":"9cdbbbc104e3448b85247999bd591bae-3","request_id":"r","conversation_id":"9cdbbbc104e3448b85247999bd591bae","turn":3,"question":"Wat is de wachttijd?","resolved_query":"Wat is de wachttijd?","text":"antwoord 9cdbbbc104e3448b85247999bd591bae-3","path":"refused","path_reason":"guardrail: injection","citations":[],"retrieval":[],"verdicts":[],"model":{"backend":"fake","model_id":"fake","sha256":"0"},"index_version":"v1","prompt_version":"p1","params":{"max_tokens":96,"temperature":0.0,"top_k":1,"top_p":1.0,"repeat_penalty":1.1,"seed":42,"stop":["\n","Vraag:","Bronnen:","[Einde]"]},"config":{},"timings":{"retrieval_ms":0.0,"compose_ms":0.0,"prompt_ms":0.0,"prompt_processing_ms":0.0,"generation_ms":0.0,"verification_ms":0.0,"total_ms":0.0,"cpu_ms":0.0},"redactions":[],"guardrails":[],"policy_version":"","cached":false,"cached_from":null,"created_at":"2025-03-04T10:01:30.000+00:00","tag":null}','','','v1','0','p1',NULL,NULL,'2025-03-04T10:01:30.000+00:00',NULL,NULL,'blocked',0.0,0.0,NULL);
INSERT INTO "answers" VALUES('d91bf5d40e534c609cd8722a48577965-1','d91bf5d40e534c609cd8722a48577965:1','r','generated',0,NULL,'antwoord d91bf5d40e534c609cd8722a48577965-1','{"answer_id": "d91bf5d40e534c609cd8722a48577965-1", "request_id": "r", "conversation_id": "d91bf5d40e534c609cd8722a48577965", "turn": 1, "question": "Wat is de wachttijd?", "resolved_query": "Wat is de wachttijd?", "text": "antwoord d91bf5d40e534c609cd8722a48577965-1", "path": "generated", "path_reason": "modelantwoord doorstaat alle controles", "citations": [], "retrieval": [], "verdicts": [], "model": {"backend": "fake", "model_id": "fake", "sha256": "0"}, "index_version": "v1", "prompt_version": "p1", "params": {"max_tokens": 96, "temperature": 0.0, "top_k": 1, "top_p": 1.0, "repeat_penalty": 1.1, "seed": 42, "stop": ["\n", "Vraag:", "Bronnen:", "[Einde]"]}, "config": {}, "timings": {"retrieval_ms": 0.0, "compose_ms": 0.0, "prompt_ms": 0.0, "prompt_processing_ms": 0.0, "generation_ms": 0.0, "verification_ms": 0.0, "total_ms": 2000.0}, "redactions": [], "guardrails": [], "policy_version": "", "cached": false, "cached_from": null, "created_at": "2025-03-05T08:00:00.000+00:00", "tag": null}','','','v1','0','p1',NULL,NULL,'2025-03-05T08:00:00.000+00:00',NULL,NULL,'generated',2000.0,0.0,NULL);
CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            key_hash TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL CHECK (role IN ('agent', 'monitor', 'admin')),
            agent_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
INSERT INTO "api_keys" VALUES('13ed4679f14a4d48ab543d760292c16a','db7966af5ecec0139201aa958da5ac67321dc03935d877e38616eda3e1a639f0','agent','a1','2025-03-06T10:00:00.000+00:00',NULL);
CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            actor_id TEXT NOT NULL,
            role TEXT NOT NULL,
            action TEXT NOT NULL,
            target_kind TEXT NOT NULL,
            target_id TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
INSERT INTO "audit_log" VALUES(1,'mona','monitor','trace','answer','00308e6dab23401692776bc068f3924a-1','2026-11-25T18:48:05.306+00:00');
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
INSERT INTO "confirmations" VALUES('conf1','00308e6dab23401692776bc068f3924a',1,'draft','{}','Geachte [NAAM],',NULL,NULL,'a1','2025-03-06T10:00:00.000+00:00',NULL,NULL);
CREATE TABLE conversations (
            id TEXT PRIMARY KEY,
            created_at TEXT NOT NULL
        , agent_id TEXT NOT NULL DEFAULT '', ended_at TEXT, retain INTEGER NOT NULL DEFAULT 1);
INSERT INTO "conversations" VALUES('00308e6dab23401692776bc068f3924a','2025-02-20T09:00:00.000+00:00','a1',NULL,1);
INSERT INTO "conversations" VALUES('d91fa9019a2e4a2c808c1a841af52bd9','2025-03-03T09:00:00.000+00:00','a1','2025-03-03T09:05:00.000+00:00',1);
INSERT INTO "conversations" VALUES('9cdbbbc104e3448b85247999bd591bae','2025-03-04T10:00:00.000+00:00','a2',NULL,1);
INSERT INTO "conversations" VALUES('d91bf5d40e534c609cd8722a48577965','2025-03-05T08:00:00.000+00:00','a3',NULL,1);
CREATE TABLE counters (
            day TEXT NOT NULL,
            name TEXT NOT NULL,
            value REAL NOT NULL,
            PRIMARY KEY (day, name)
        );
INSERT INTO "counters" VALUES('2025-01-15','answers',3.0);
INSERT INTO "counters" VALUES('2025-01-15','latency.le.250',2.5);
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
INSERT INTO "escalations" VALUES('be4af90be7924e38af0dd8327d756947','00308e6dab23401692776bc068f3924a','00308e6dab23401692776bc068f3924a-1','a1','specialist','anders','notitie','btw','2026-11-25T18:48:05.306+00:00');
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
INSERT INTO "events" VALUES(1,'answer_shown','d91fa9019a2e4a2c808c1a841af52bd9','d91fa9019a2e4a2c808c1a841af52bd9-1',NULL,'a1','2025-03-03T09:00:02.000Z','2025-03-03T09:00:00.000+00:00');
INSERT INTO "events" VALUES(2,'source_opened','d91fa9019a2e4a2c808c1a841af52bd9','d91fa9019a2e4a2c808c1a841af52bd9-1',NULL,'a1','2025-03-03T09:00:12.000Z','2025-03-03T09:00:00.000+00:00');
INSERT INTO "events" VALUES(3,'answer_copied','d91fa9019a2e4a2c808c1a841af52bd9','d91fa9019a2e4a2c808c1a841af52bd9-1',NULL,'a1','2025-03-03T09:00:20.000Z','2025-03-03T09:00:00.000+00:00');
INSERT INTO "events" VALUES(4,'answer_shown','d91fa9019a2e4a2c808c1a841af52bd9','d91fa9019a2e4a2c808c1a841af52bd9-2',NULL,'a1','2025-03-03T09:01:00.000Z','2025-03-03T09:00:00.000+00:00');
INSERT INTO "events" VALUES(5,'answer_copied','d91fa9019a2e4a2c808c1a841af52bd9','d91fa9019a2e4a2c808c1a841af52bd9-2',NULL,'a1','2025-03-03T09:01:30.000Z','2025-03-03T09:00:00.000+00:00');
INSERT INTO "events" VALUES(6,'conversation_ended','d91fa9019a2e4a2c808c1a841af52bd9',NULL,NULL,'a1',NULL,'2025-03-03T09:05:00.000+00:00');
INSERT INTO "events" VALUES(7,'answer_shown','9cdbbbc104e3448b85247999bd591bae','9cdbbbc104e3448b85247999bd591bae-1',NULL,'a2',NULL,'2025-03-04T10:00:01.000+00:00');
INSERT INTO "events" VALUES(8,'source_opened','9cdbbbc104e3448b85247999bd591bae','9cdbbbc104e3448b85247999bd591bae-1','chunk','a2',NULL,'2025-03-04T10:00:06.000+00:00');
INSERT INTO "events" VALUES(9,'answer_shown','9cdbbbc104e3448b85247999bd591bae','9cdbbbc104e3448b85247999bd591bae-3',NULL,'a2',NULL,'2025-03-04T10:02:00.000+00:00');
CREATE TABLE feedback (
            answer_id TEXT NOT NULL REFERENCES answers(id),
            agent_id TEXT NOT NULL,
            rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
            reason TEXT,
            comment TEXT,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (answer_id, agent_id)
        );
INSERT INTO "feedback" VALUES('00308e6dab23401692776bc068f3924a-1','a1','down','onvolledig',NULL,'2025-02-20T09:00:00.000+00:00');
INSERT INTO "feedback" VALUES('d91fa9019a2e4a2c808c1a841af52bd9-1','a1','up',NULL,NULL,'2025-03-03T09:00:00.000+00:00');
INSERT INTO "feedback" VALUES('d91fa9019a2e4a2c808c1a841af52bd9-2','a1','down','onjuist','klopt niet','2025-03-03T09:00:00.000+00:00');
INSERT INTO "feedback" VALUES('9cdbbbc104e3448b85247999bd591bae-1','a2','down','niet relevant',NULL,'2025-03-04T10:00:06.000+00:00');
CREATE TABLE feedback_history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            answer_id TEXT NOT NULL,
            agent_id TEXT NOT NULL,
            rating TEXT NOT NULL,
            reason TEXT,
            comment TEXT,
            created_at TEXT NOT NULL
        );
INSERT INTO "feedback_history" VALUES(1,'00308e6dab23401692776bc068f3924a-1','a1','down','onvolledig',NULL,'2025-02-20T09:00:00.000+00:00');
INSERT INTO "feedback_history" VALUES(2,'d91fa9019a2e4a2c808c1a841af52bd9-1','a1','up',NULL,NULL,'2025-03-03T09:00:00.000+00:00');
INSERT INTO "feedback_history" VALUES(3,'d91fa9019a2e4a2c808c1a841af52bd9-2','a1','down','onjuist','klopt niet','2025-03-03T09:00:00.000+00:00');
INSERT INTO "feedback_history" VALUES(4,'9cdbbbc104e3448b85247999bd591bae-1','a2','up',NULL,NULL,'2025-03-04T10:00:06.000+00:00');
INSERT INTO "feedback_history" VALUES(5,'9cdbbbc104e3448b85247999bd591bae-1','a2','down','niet relevant',NULL,'2025-03-04T10:00:06.000+00:00');
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
INSERT INTO "review_items" VALUES('i1','b1','00308e6dab23401692776bc068f3924a-1','btw/generated','2025-02','mona','2026-11-25T18:48:05.306+00:00');
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
INSERT INTO "reviews" VALUES(1,'i1','00308e6dab23401692776bc068f3924a-1','mona','onjuist','verkeerd feit',NULL,NULL,NULL,'2026-11-25T18:48:05.306+00:00');
CREATE TABLE tag_corrections (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            answer_id TEXT NOT NULL REFERENCES answers(id),
            old_tag TEXT,
            new_tag TEXT NOT NULL,
            monitor_id TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
INSERT INTO "tag_corrections" VALUES(1,'00308e6dab23401692776bc068f3924a-1',NULL,'toeslagen','mona','2026-11-25T18:48:05.306+00:00');
CREATE TABLE turns (
            id TEXT PRIMARY KEY,
            conversation_id TEXT NOT NULL REFERENCES conversations(id),
            seq INTEGER NOT NULL,
            question TEXT NOT NULL,
            resolved_query TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (conversation_id, seq)
        );
INSERT INTO "turns" VALUES('00308e6dab23401692776bc068f3924a:1','00308e6dab23401692776bc068f3924a',1,'Wat is de wachttijd?','Wat is de wachttijd?','2025-02-20T09:00:00.000+00:00');
INSERT INTO "turns" VALUES('d91fa9019a2e4a2c808c1a841af52bd9:1','d91fa9019a2e4a2c808c1a841af52bd9',1,'Wat is de wachttijd?','Wat is de wachttijd?','2025-03-03T09:00:00.000+00:00');
INSERT INTO "turns" VALUES('d91fa9019a2e4a2c808c1a841af52bd9:2','d91fa9019a2e4a2c808c1a841af52bd9',2,'Wat is de wachttijd?','Wat is de wachttijd?','2025-03-03T09:01:00.000+00:00');
INSERT INTO "turns" VALUES('9cdbbbc104e3448b85247999bd591bae:1','9cdbbbc104e3448b85247999bd591bae',1,'Wat is de wachttijd?','Wat is de wachttijd?','2025-03-04T10:00:00.000+00:00');
INSERT INTO "turns" VALUES('9cdbbbc104e3448b85247999bd591bae:2','9cdbbbc104e3448b85247999bd591bae',2,'Wat is de wachttijd?','Wat is de wachttijd?','2025-03-04T10:01:00.000+00:00');
INSERT INTO "turns" VALUES('9cdbbbc104e3448b85247999bd591bae:3','9cdbbbc104e3448b85247999bd591bae',3,'Wat is de wachttijd?','Wat is de wachttijd?','2025-03-04T10:01:30.000+00:00');
INSERT INTO "turns" VALUES('d91bf5d40e534c609cd8722a48577965:1','d91bf5d40e534c609cd8722a48577965',1,'Wat is de wachttijd?','Wat is de wachttijd?','2025-03-05T08:00:00.000+00:00');
CREATE INDEX answers_cache_key ON answers(cache_key) WHERE cached = 0;
CREATE INDEX answers_near_key ON answers(near_key) WHERE cached = 0;
CREATE INDEX turns_conversation ON turns(conversation_id, seq);
CREATE INDEX conversations_agent ON conversations(agent_id, created_at);
CREATE INDEX events_conversation ON events(conversation_id, created_at)
        ;
CREATE INDEX confirmations_conversation ON confirmations(conversation_id, version)
        ;
CREATE INDEX answers_created ON answers(created_at);
CREATE INDEX answers_turn ON answers(turn_id);
CREATE INDEX conversations_created ON conversations(created_at);
CREATE INDEX feedback_answer ON feedback(answer_id);
CREATE INDEX events_answer ON events(answer_id);
CREATE INDEX tag_corrections_answer ON tag_corrections(answer_id, id);
CREATE INDEX escalations_conversation ON escalations(conversation_id);
CREATE INDEX escalations_created ON escalations(created_at);
CREATE INDEX review_items_answer ON review_items(answer_id);
CREATE INDEX reviews_answer ON reviews(answer_id);
CREATE INDEX audit_log_created ON audit_log(created_at);
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('feedback_history',5);
INSERT INTO "sqlite_sequence" VALUES('events',9);
INSERT INTO "sqlite_sequence" VALUES('tag_corrections',1);
INSERT INTO "sqlite_sequence" VALUES('audit_log',1);
INSERT INTO "sqlite_sequence" VALUES('reviews',1);
COMMIT;
