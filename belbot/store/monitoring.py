"""What quality monitors read and write in the conversation store: the filtered answer list,
the extras of a trace, tag corrections, escalations and the audit log of their views."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from belbot.store.database import Dialect
from belbot.store.dialect import joined
from belbot.store.store import ConversationStore
from belbot.store.types import now_iso


@dataclass(frozen=True)
class AnswerFilter:
    since: str | None = None  # store timestamps or dates; until is exclusive
    until: str | None = None
    tag: str | None = None
    path: str | None = None
    thumbs: str | None = None  # "up" / "down": at least one such current verdict
    reason: str | None = None
    escalated: bool | None = None
    max_support: float | None = None
    agent: str | None = None

    def where(self) -> tuple[str, list[object]]:
        # Practice conversations (issue 11) are the coach's, not the monitors'.
        clauses: list[str] = ["c.practice = 0"]
        params: list[object] = []
        simple = (
            ("a.created_at >= ?", self.since),
            ("a.created_at < ?", self.until),
            ("a.tag = ?", self.tag),
            ("a.path_class = ?", self.path),
            ("c.agent_id = ?", self.agent),
            ("a.support_min <= ?", self.max_support),
        )
        for clause, value in simple:
            if value is not None:
                clauses.append(clause)
                params.append(value)
        if self.thumbs is not None:
            clauses.append(
                "EXISTS (SELECT 1 FROM feedback f WHERE f.answer_id = a.id AND f.rating = ?)"
            )
            params.append(self.thumbs)
        if self.reason is not None:
            clauses.append(
                "EXISTS (SELECT 1 FROM feedback f WHERE f.answer_id = a.id AND f.reason = ?)"
            )
            params.append(self.reason)
        if self.escalated is not None:
            clauses.append(
                ("" if self.escalated else "NOT ")
                + "EXISTS (SELECT 1 FROM escalations e WHERE e.conversation_id = c.id)"
            )
        return " AND ".join(f"({c})" for c in clauses), params


def _list_columns(dialect: Dialect) -> str:
    return (
        "a.id, t.conversation_id, t.seq, c.agent_id, a.created_at, t.question, a.text, "
        "a.path_class, a.tag, a.tag_confidence, a.support_min, a.total_ms, a.cached, "
        "(SELECT COUNT(*) FROM tag_corrections g WHERE g.answer_id = a.id), "
        "(SELECT COUNT(*) FROM feedback f WHERE f.answer_id = a.id AND f.rating = 'up'), "
        "(SELECT COUNT(*) FROM feedback f WHERE f.answer_id = a.id AND f.rating = 'down'), "
        f"(SELECT {joined(dialect, 'f.reason', '|')} FROM feedback f WHERE f.answer_id = a.id), "
        "EXISTS (SELECT 1 FROM escalations e WHERE e.conversation_id = c.id), "
        "EXISTS (SELECT 1 FROM reviews r WHERE r.answer_id = a.id)"
    )


_FROM = (
    "FROM answers a JOIN turns t ON a.turn_id = t.id "
    "JOIN conversations c ON c.id = t.conversation_id"
)


class MonitoringStore:
    def __init__(self, store: ConversationStore) -> None:
        self._store = store

    def list_answers(
        self, where: AnswerFilter, limit: int, offset: int
    ) -> tuple[int, list[dict[str, Any]]]:
        """Newest first, one row per answer, with its thumbs, escalation and review state."""
        clause, params = where.where()
        db = self._store.db
        total = int(db.execute(f"SELECT COUNT(*) {_FROM} WHERE {clause}", params).fetchone()[0])
        rows = db.execute(
            f"SELECT {_list_columns(db.dialect)} {_FROM} WHERE {clause} "
            "ORDER BY a.created_at DESC, a.id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        items = []
        for row in rows:
            (answer_id, conversation_id, turn, agent_id, created_at, question, text, path_class,
             tag, confidence, support_min, total_ms, cached, corrections, up, down, reasons,
             escalated, reviewed) = row  # fmt: skip
            items.append(
                {
                    "answer_id": answer_id,
                    "conversation_id": conversation_id,
                    "turn": turn,
                    "agent_id": agent_id,
                    "created_at": created_at,
                    "question": question,
                    "text": text,
                    "path_class": path_class,
                    "cached": bool(cached),
                    "tag": tag,
                    "tag_confidence": confidence,
                    "tag_corrected": corrections > 0,
                    "thumbs_up": up,
                    "thumbs_down": down,
                    "reasons": sorted({r for r in (reasons or "").split("|") if r}),
                    "escalated": bool(escalated),
                    "support_min": support_min,
                    "total_ms": total_ms,
                    "reviewed": bool(reviewed),
                }
            )
        return total, items

    def current_tag(self, answer_id: str) -> str | None:
        row = self._store.db.execute(
            "SELECT tag FROM answers WHERE id = ?", (answer_id,)
        ).fetchone()
        return None if row is None else row[0]

    def correct_tag(self, answer_id: str, new_tag: str, monitor_id: str) -> str | None:
        """The answer's current tag becomes ``new_tag``; the record keeps the tagger's own
        verdict, and every correction is kept (counted on the dashboard)."""
        with self._store.transaction():
            old = self.current_tag(answer_id)
            self._store.db.execute(
                "INSERT INTO tag_corrections (answer_id, old_tag, new_tag, monitor_id, created_at) "
                "VALUES (?,?,?,?,?)",
                (answer_id, old, new_tag, monitor_id, now_iso()),
            )
            self._store.db.execute("UPDATE answers SET tag = ? WHERE id = ?", (new_tag, answer_id))
        return old

    def conversation_tag(self, conversation_id: str, answer_id: str | None) -> str | None:
        """The tag of the named answer, else of the conversation's latest answer."""
        if answer_id:
            row = self._store.db.execute(
                "SELECT a.tag FROM answers a JOIN turns t ON a.turn_id = t.id "
                "WHERE a.id = ? AND t.conversation_id = ?",
                (answer_id, conversation_id),
            ).fetchone()
            if row is not None:
                return row[0]  # type: ignore[no-any-return]
        row = self._store.db.execute(
            "SELECT a.tag FROM answers a JOIN turns t ON a.turn_id = t.id "
            "WHERE t.conversation_id = ? ORDER BY t.seq DESC LIMIT 1",
            (conversation_id,),
        ).fetchone()
        return None if row is None else row[0]

    def add_escalation(
        self,
        conversation_id: str,
        answer_id: str | None,
        agent_id: str,
        target: str,
        reason: str,
        note: str | None,
        tag: str | None,
    ) -> dict[str, Any]:
        record = {
            "escalation_id": uuid.uuid4().hex,
            "conversation_id": conversation_id,
            "answer_id": answer_id,
            "agent_id": agent_id,
            "target": target,
            "reason": reason,
            "note": note,
            "tag": tag,
            "created_at": now_iso(),
        }
        self._store.db.execute(
            "INSERT INTO escalations (id, conversation_id, answer_id, agent_id, target, reason, "
            "note, tag, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
            tuple(record.values()),
        )
        return record

    def _rows(self, sql: str, params: tuple[object, ...]) -> list[dict[str, Any]]:
        result = self._store.db.execute(sql, params)
        return [dict(zip(result.columns, row, strict=True)) for row in result]

    def trace_extras(self, answer_id: str, conversation_id: str) -> dict[str, list[dict[str, Any]]]:
        return {
            "feedback": self._rows(
                "SELECT agent_id, rating, reason, comment, created_at FROM feedback_history "
                "WHERE answer_id = ? ORDER BY id",
                (answer_id,),
            ),
            "escalations": self._rows(
                "SELECT id AS escalation_id, answer_id, agent_id, target, reason, note, tag, "
                "created_at FROM escalations WHERE conversation_id = ? ORDER BY created_at",
                (conversation_id,),
            ),
            "tag_corrections": self._rows(
                "SELECT old_tag, new_tag, monitor_id, created_at FROM tag_corrections "
                "WHERE answer_id = ? ORDER BY id",
                (answer_id,),
            ),
            "reviews": self._rows(
                "SELECT item_id, reviewer_id, verdict, error_category, corrected_answer, chunk_id, "
                "note, created_at FROM reviews WHERE answer_id = ? ORDER BY id",
                (answer_id,),
            ),
        }

    # -- audit log: who looked at what, when ----------------------------------------------

    def audit(
        self, actor_id: str, role: str, action: str, target_kind: str, target_id: str
    ) -> None:
        self._store.db.execute(
            "INSERT INTO audit_log (actor_id, role, action, target_kind, target_id, created_at) "
            "VALUES (?,?,?,?,?,?)",
            (actor_id, role, action, target_kind, target_id, now_iso()),
        )

    def audit_entries(self, limit: int, actor_id: str | None = None) -> list[dict[str, Any]]:
        if actor_id is None:
            return self._rows(
                "SELECT actor_id, role, action, target_kind, target_id, created_at FROM audit_log "
                "ORDER BY id DESC LIMIT ?",
                (limit,),
            )
        return self._rows(
            "SELECT actor_id, role, action, target_kind, target_id, created_at FROM audit_log "
            "WHERE actor_id = ? ORDER BY id DESC LIMIT ?",
            (actor_id, limit),
        )
