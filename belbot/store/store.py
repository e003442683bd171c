"""The conversation store: conversations, turns, answers with their whole record, the prompt
sent and the raw model output, API keys, feedback, events and daily counters. Personal data is
redacted before it gets here (guardrails); the store keeps what it is given.

The SQL is the same on both engines (``belbot/store/database.py``): the embedded SQLite file
(default) or PostgreSQL (``store.url``), which several API processes can share. The "niet
bewaren" state (the resolved questions follow-ups need, recent answer ids for thumbs) lives
in this process only."""

from __future__ import annotations

import secrets
import threading
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from contextlib import AbstractContextManager
from datetime import datetime

from belbot.answering.types import Answer
from belbot.monitoring.counters import answer_counters
from belbot.settings import Settings
from belbot.store.database import Database, Dialect
from belbot.store.sqlite import SqliteDatabase
from belbot.store.types import (
    AgentAnswer,
    AnswerNotFoundError,
    EphemeralAnswer,
    StoredAnswer,
    iso_utc,
    key_hash,
    normalise_question,
    now_iso,
)

EPHEMERAL_ANSWERS = 10_000


class ConversationStore:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._ready = False
        self._open_lock = threading.Lock()
        # "Niet bewaren": per conversation the resolved queries (follow-ups need them) and the
        # recent answer ids (for thumbs), in this process only, never written.
        self._ephemeral: dict[str, list[str]] = {}
        self._ephemeral_answers: OrderedDict[str, EphemeralAnswer] = OrderedDict()

    def warm_up(self) -> None:
        """Connect and bring the schema up to date (a no-op when it is)."""
        if self._ready:
            return
        with self._open_lock:
            if self._ready:
                return
            # Alembic and SQLAlchemy load only here: commands that never open a store skip them.
            from belbot.store.schema import migrate

            self._db.open()
            migrate(self._db)
            self._ready = True

    def close(self) -> None:
        with self._open_lock:
            self._db.close()
            self._ready = False

    @property
    def db(self) -> Database:
        self.warm_up()
        return self._db

    @property
    def engine(self) -> Dialect:
        return self._db.dialect

    def transaction(self) -> AbstractContextManager[None]:
        """One write transaction; one opened inside another (same thread) joins it."""
        return self.db.transaction()

    def revision(self) -> str | None:
        from belbot.store.schema import current_revision

        return current_revision(self.db)

    def new_conversation(
        self, agent_id: str = "", retain: bool = True, practice: bool = False
    ) -> str:
        """``practice``: a trainee's practice conversation, left out of production figures."""
        conversation_id = uuid.uuid4().hex
        self.db.execute(
            "INSERT INTO conversations (id, created_at, agent_id, retain, practice) "
            "VALUES (?, ?, ?, ?, ?)",
            (conversation_id, now_iso(), agent_id, int(retain), int(practice)),
        )
        return conversation_id

    def is_practice(self, conversation_id: str) -> bool:
        row = self.db.execute(
            "SELECT practice FROM conversations WHERE id = ?", (conversation_id,)
        ).fetchone()
        return row is not None and bool(row[0])

    def conversation_owner(self, conversation_id: str) -> str | None:
        row = self.db.execute(
            "SELECT agent_id FROM conversations WHERE id = ?", (conversation_id,)
        ).fetchone()
        return None if row is None else str(row[0])

    def conversations(self, agent_id: str | None, limit: int = 50) -> list[dict[str, object]]:
        """Newest first; ``agent_id`` None lists everyone's (monitors)."""
        query = (
            "SELECT c.id, c.agent_id, c.created_at, c.ended_at, COUNT(t.id), MAX(t.created_at) "
            "FROM conversations c LEFT JOIN turns t ON t.conversation_id = c.id "
            + ("WHERE c.agent_id = ? " if agent_id is not None else "")
            + "GROUP BY c.id ORDER BY c.created_at DESC LIMIT ?"
        )
        params: tuple[object, ...] = (agent_id, limit) if agent_id is not None else (limit,)
        keys = ("id", "agent_id", "created_at", "ended_at", "turns", "last_turn_at")
        return [dict(zip(keys, row, strict=True)) for row in self.db.execute(query, params)]

    def conversation_answers(self, conversation_id: str) -> list[Answer]:
        rows = self.db.execute(
            "SELECT a.record FROM answers a JOIN turns t ON a.turn_id = t.id "
            "WHERE t.conversation_id = ? ORDER BY t.seq",
            (conversation_id,),
        )
        return [Answer.model_validate_json(row[0]) for row in rows]

    def end_conversation(self, conversation_id: str) -> None:
        self._ephemeral.pop(conversation_id, None)
        self.db.execute(
            "UPDATE conversations SET ended_at = ? WHERE id = ? AND ended_at IS NULL",
            (now_iso(), conversation_id),
        )

    # -- API keys: only their hash is stored ---------------------------------------------

    def add_api_key(self, role: str, agent_id: str, key: str | None = None) -> str:
        key = key or "bb_" + secrets.token_urlsafe(24)
        self.db.execute(
            "INSERT INTO api_keys (id, key_hash, role, agent_id, created_at) VALUES (?,?,?,?,?)",
            (uuid.uuid4().hex, key_hash(key), role, agent_id, now_iso()),
        )
        return key

    def key_identity(self, key: str) -> tuple[str, str] | None:
        row = self.db.execute(
            "SELECT role, agent_id FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL",
            (key_hash(key),),
        ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]))

    def count_keys(self, agent_id: str | None = None) -> int:
        if agent_id is None:
            row = self.db.execute("SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL")
        else:
            row = self.db.execute(
                "SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL AND agent_id = ?",
                (agent_id,),
            )
        return int(row.fetchone()[0])

    # -- feedback and interaction events ---------------------------------------------------

    def save_feedback(
        self, answer_id: str, agent_id: str, rating: str, reason: str | None, comment: str | None
    ) -> None:
        """One current verdict per agent per answer; every change is kept in the history."""
        now = now_iso()
        with self.transaction():
            self.db.execute(
                "INSERT INTO feedback VALUES (?,?,?,?,?,?) ON CONFLICT (answer_id, agent_id) "
                "DO UPDATE SET rating = excluded.rating, reason = excluded.reason, "
                "comment = excluded.comment, updated_at = excluded.updated_at",
                (answer_id, agent_id, rating, reason, comment, now),
            )
            self.db.execute(
                "INSERT INTO feedback_history (answer_id, agent_id, rating, reason, comment, "
                "created_at) VALUES (?,?,?,?,?,?)",
                (answer_id, agent_id, rating, reason, comment, now),
            )

    def feedback_for(self, answer_id: str) -> list[dict[str, object]]:
        keys = ("agent_id", "rating", "reason", "comment", "updated_at")
        rows = self.db.execute(
            "SELECT agent_id, rating, reason, comment, updated_at FROM feedback "
            "WHERE answer_id = ?",
            (answer_id,),
        )
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def feedback_summary(self, period: str) -> list[dict[str, object]]:
        width = {"day": 10, "month": 7, "year": 4}[period]
        rows = self.db.execute(
            f"SELECT substr(updated_at, 1, {width}) AS p, rating, reason, COUNT(*) "
            "FROM feedback GROUP BY p, rating, reason ORDER BY p"
        )
        summary: dict[str, dict[str, object]] = {}
        for bucket, rating, reason, count in rows:
            item = summary.setdefault(bucket, {"period": bucket, "up": 0, "down": 0, "reasons": {}})
            item[rating] = int(item[rating]) + int(count)  # type: ignore[call-overload]
            if reason:
                reasons = item["reasons"]
                assert isinstance(reasons, dict)
                reasons[reason] = reasons.get(reason, 0) + int(count)
        return list(summary.values())

    def count_feedback(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM feedback_history").fetchone()[0])

    def add_event(
        self,
        kind: str,
        agent_id: str,
        conversation_id: str | None,
        answer_id: str | None,
        chunk_id: str | None,
        client_time: str | None,
    ) -> None:
        self.db.execute(
            "INSERT INTO events (kind, conversation_id, answer_id, chunk_id, agent_id, "
            "client_time, created_at) VALUES (?,?,?,?,?,?,?)",
            (kind, conversation_id, answer_id, chunk_id, agent_id, client_time, now_iso()),
        )
        if kind == "conversation_ended" and conversation_id:
            self.end_conversation(conversation_id)

    def conversation_exists(self, conversation_id: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)
        ).fetchone()
        return row is not None

    def history(self, conversation_id: str, before_seq: int | None = None) -> list[str]:
        """Resolved queries of the conversation's turns, oldest first."""
        if conversation_id in self._ephemeral:
            kept = self._ephemeral[conversation_id]
            return kept[: before_seq - 1] if before_seq is not None else list(kept)
        limit = before_seq if before_seq is not None else 1 << 30
        rows = self.db.execute(
            "SELECT resolved_query FROM turns WHERE conversation_id = ? AND seq < ? ORDER BY seq",
            (conversation_id, limit),
        )
        return [row[0] for row in rows]

    def next_turn(self, conversation_id: str) -> int:
        row = self.db.execute(
            "SELECT COALESCE(MAX(seq), 0) FROM turns WHERE conversation_id = ?", (conversation_id,)
        ).fetchone()
        return int(row[0]) + 1

    def save(
        self,
        answer: Answer,
        prompt: str,
        raw_output: str,
        cache_key: str | None,
        near_key: str | None,
    ) -> None:
        """Turn and answer in one transaction: both are stored or neither. In a conversation
        marked "niet bewaren" only the answer's counters are kept (and the resolved query, in
        memory, for follow-up questions)."""
        turn_id = f"{answer.conversation_id}:{answer.turn}"
        tag = answer.tag.tag if answer.tag else None
        with self.transaction():
            db = self.db
            if not self.retained(answer.conversation_id):
                self._keep_ephemeral(answer)
                return
            db.execute(
                "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?)",
                (
                    turn_id,
                    answer.conversation_id,
                    answer.turn,
                    answer.question,
                    answer.resolved_query,
                    answer.created_at,
                ),
            )
            db.execute(
                "INSERT INTO answers (id, turn_id, request_id, path, cached, cached_from, "
                "text, record, prompt, raw_output, index_version, model_sha256, "
                "prompt_version, cache_key, near_key, created_at, tag, tag_confidence, "
                "path_class, total_ms, cpu_ms, support_min) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    answer.answer_id,
                    turn_id,
                    answer.request_id,
                    answer.path,
                    int(answer.cached),
                    answer.cached_from,
                    answer.text,
                    answer.model_dump_json(),
                    prompt,
                    raw_output,
                    answer.index_version,
                    answer.model.sha256,
                    answer.prompt_version,
                    cache_key,
                    near_key,
                    answer.created_at,
                    tag,
                    answer.tag.confidence if answer.tag else None,
                    answer.path_class,
                    answer.timings.total_ms,
                    answer.timings.cpu_ms,
                    answer.support_min,
                ),
            )

    # -- conversations that keep only counters ("niet bewaren") ----------------------------

    def retained(self, conversation_id: str) -> bool:
        row = self.db.execute(
            "SELECT retain FROM conversations WHERE id = ?", (conversation_id,)
        ).fetchone()
        return row is None or bool(row[0])

    def _keep_ephemeral(self, answer: Answer) -> None:
        """Inside the caller's transaction: the counters, nothing of the content."""
        counts = answer_counters(
            answer.tag.tag if answer.tag else None,
            answer.path_class,
            answer.cached,
            answer.timings.total_ms,
            answer.timings.cpu_ms,
        )
        counts["conversations.unrecorded.answers"] += 1
        self.add_counters_in_transaction(answer.created_at[:10], counts)
        state = self._ephemeral.setdefault(answer.conversation_id, [])
        state.append(answer.resolved_query)
        self._ephemeral_answers[answer.answer_id] = EphemeralAnswer(
            answer.conversation_id, answer.tag.tag if answer.tag else None
        )
        while len(self._ephemeral_answers) > EPHEMERAL_ANSWERS:
            self._ephemeral_answers.popitem(last=False)

    def ephemeral_answer(self, answer_id: str) -> EphemeralAnswer | None:
        return self._ephemeral_answers.get(answer_id)

    def forget_ephemeral(self, conversation_id: str) -> None:
        self._ephemeral.pop(conversation_id, None)

    def keep_history_in_memory(self, conversation_id: str, history: list[str]) -> None:
        self._ephemeral[conversation_id] = list(history)

    def add_counters(self, day: str, counts: Mapping[str, float]) -> None:
        with self.transaction():
            self.add_counters_in_transaction(day, counts)

    def add_counters_in_transaction(self, day: str, counts: Mapping[str, float]) -> None:
        self.db.executemany(
            "INSERT INTO counters (day, name, value) VALUES (?, ?, ?) "
            "ON CONFLICT (day, name) DO UPDATE SET value = counters.value + excluded.value",
            [(day, name, float(value)) for name, value in sorted(counts.items()) if value],
        )

    def get(self, answer_id: str) -> StoredAnswer:
        row = self.db.execute(
            "SELECT record, prompt, raw_output FROM answers WHERE id = ?", (answer_id,)
        ).fetchone()
        if row is None:
            raise AnswerNotFoundError(f"Antwoord {answer_id} bestaat niet.")
        answer = Answer.model_validate_json(row[0])
        history = self.history(answer.conversation_id, before_seq=answer.turn)
        return StoredAnswer(answer, row[1], row[2], history)

    def find_cached(self, key: str, column: str) -> StoredAnswer | None:
        if column not in ("cache_key", "near_key"):
            raise ValueError(column)
        row = self.db.execute(
            f"SELECT id FROM answers WHERE {column} = ? AND cached = 0 ORDER BY created_at LIMIT 1",
            (key,),
        ).fetchone()
        return self.get(row[0]) if row else None

    def answers_by_question_across_agents(self, since: datetime) -> dict[str, list[AgentAnswer]]:
        """Answers since ``since`` grouped by normalised question, for the questions that two
        or more agents asked: does BelBot tell different agents the same thing?

        The question is the one answered (the resolved query): placeholders and note lead-ins
        are gone, and a follow-up carries its context, so "en voor 2024?" after different
        questions is not one group. Cached replays repeat an earlier answer and are left out,
        as are answers without an agent (CLI, evaluation). Oldest first within a group."""
        rows = self.db.execute(
            "SELECT t.resolved_query, c.agent_id, a.text, a.id FROM answers a "
            "JOIN turns t ON a.turn_id = t.id JOIN conversations c ON t.conversation_id = c.id "
            "WHERE a.cached = 0 AND a.created_at >= ? AND c.agent_id != '' AND c.practice = 0 "
            "ORDER BY a.created_at, a.id",
            (iso_utc(since),),
        )
        groups: dict[str, list[AgentAnswer]] = {}
        for query, agent_id, text, answer_id in rows:
            groups.setdefault(normalise_question(query), []).append(
                AgentAnswer(agent_id, text, answer_id)
            )
        return {
            question: answers
            for question, answers in sorted(groups.items())
            if len({a.agent_id for a in answers}) >= 2
        }

    def count_answers(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM answers").fetchone()[0])


def open_database(settings: Settings) -> Database:
    """The configured engine: PostgreSQL when ``store.url`` is set, else the SQLite file."""
    url = settings.store.url.get_secret_value()
    if url:
        from belbot.store.postgres import PostgresDatabase

        return PostgresDatabase(
            url,
            min_size=settings.store.pool_min_size,
            max_size=settings.store.pool_max_size,
            timeout_s=settings.store.connect_timeout_s,
        )
    return SqliteDatabase(settings.store_path)


def open_store(settings: Settings) -> ConversationStore:
    """The configured conversation store (connected on first use)."""
    return ConversationStore(open_database(settings))
