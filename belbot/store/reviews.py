"""Review queues in the conversation store: sampled answers (items, in batches) and the
reviewers' verdicts on them, one per reviewer per item (a second verdict replaces the first)."""

from __future__ import annotations

from typing import Any

from belbot.errors import BelbotError
from belbot.store.store import ConversationStore
from belbot.store.types import now_iso


class ReviewItemNotFoundError(BelbotError):
    code = "review_item_not_found"


class ReviewStore:
    def __init__(self, store: ConversationStore) -> None:
        self._store = store

    def candidates(self, since: str, until: str) -> list[tuple[str, str, str]]:
        """(answer_id, tag, path_class) of the period's answers that ran the pipeline: a cached
        replay repeats an answer that is itself a candidate."""
        rows = self._store.db.execute(
            "SELECT a.id, COALESCE(a.tag, 'onbekend'), a.path_class FROM answers a "
            "JOIN turns t ON a.turn_id = t.id JOIN conversations c ON t.conversation_id = c.id "
            "WHERE a.cached = 0 AND a.created_at >= ? AND a.created_at < ? AND c.practice = 0 "
            "ORDER BY a.created_at, a.id",
            (since, until),
        )
        return [(str(a), str(t), str(p)) for a, t, p in rows]

    def add_batch(
        self, batch_id: str, items: list[tuple[str, str, str]], period: str, created_by: str
    ) -> None:
        """``items``: (item_id, answer_id, stratum)."""
        now = now_iso()
        with self._store.transaction():
            self._store.db.executemany(
                "INSERT INTO review_items (id, batch_id, answer_id, stratum, period, created_by, "
                "created_at) VALUES (?,?,?,?,?,?,?)",
                [(i, batch_id, a, s, period, created_by, now) for i, a, s in items],
            )

    def item(self, item_id: str) -> dict[str, Any]:
        found = self.items(item_id=item_id)
        if not found:
            raise ReviewItemNotFoundError(f"Beoordelingsitem {item_id} bestaat niet.")
        return found[0]

    def items(
        self, batch_id: str | None = None, open_only: bool = False, item_id: str | None = None
    ) -> list[dict[str, Any]]:
        clauses, params = ["1 = 1"], []
        if batch_id is not None:
            clauses.append("i.batch_id = ?")
            params.append(batch_id)
        if item_id is not None:
            clauses.append("i.id = ?")
            params.append(item_id)
        if open_only:
            clauses.append("NOT EXISTS (SELECT 1 FROM reviews r WHERE r.item_id = i.id)")
        rows = self._store.db.execute(
            "SELECT i.id, i.batch_id, i.answer_id, i.stratum, i.period, i.created_at, "
            "t.question, a.text, a.path_class, a.tag FROM review_items i "
            "JOIN answers a ON a.id = i.answer_id JOIN turns t ON t.id = a.turn_id "
            f"WHERE {' AND '.join(clauses)} ORDER BY i.created_at DESC, i.stratum, i.id",
            params,
        ).fetchall()
        reviews = self.reviews([str(r[0]) for r in rows])
        keys = ("item_id", "batch_id", "answer_id", "stratum", "period", "created_at",
                "question", "text", "path_class", "tag")  # fmt: skip
        return [
            {**dict(zip(keys, row, strict=True)), "reviews": reviews.get(str(row[0]), [])}
            for row in rows
        ]

    def reviews(self, item_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        found: dict[str, list[dict[str, Any]]] = {}
        keys = ("reviewer_id", "verdict", "error_category", "corrected_answer", "chunk_id",
                "note", "created_at")  # fmt: skip
        for start in range(0, len(item_ids), 500):
            chunk = item_ids[start : start + 500]
            rows = self._store.db.execute(
                "SELECT item_id, reviewer_id, verdict, error_category, corrected_answer, "
                f"chunk_id, note, created_at FROM reviews WHERE item_id IN "
                f"({', '.join('?' * len(chunk))}) ORDER BY id",
                chunk,
            )
            for item_id, *values in rows:
                found.setdefault(item_id, []).append(dict(zip(keys, values, strict=True)))
        return found

    def save_review(
        self,
        item_id: str,
        answer_id: str,
        reviewer_id: str,
        verdict: str,
        error_category: str | None,
        corrected_answer: str | None,
        chunk_id: str | None,
        note: str | None,
    ) -> dict[str, Any]:
        now = now_iso()
        self._store.db.execute(
            "INSERT INTO reviews (item_id, answer_id, reviewer_id, verdict, error_category, "
            "corrected_answer, chunk_id, note, created_at) VALUES (?,?,?,?,?,?,?,?,?) "
            "ON CONFLICT (item_id, reviewer_id) DO UPDATE SET verdict = excluded.verdict, "
            "error_category = excluded.error_category, "
            "corrected_answer = excluded.corrected_answer, chunk_id = excluded.chunk_id, "
            "note = excluded.note, created_at = excluded.created_at",
            (item_id, answer_id, reviewer_id, verdict, error_category, corrected_answer,
             chunk_id, note, now),
        )  # fmt: skip
        return {
            "item_id": item_id,
            "answer_id": answer_id,
            "reviewer_id": reviewer_id,
            "verdict": verdict,
            "error_category": error_category,
            "corrected_answer": corrected_answer,
            "chunk_id": chunk_id,
            "note": note,
            "created_at": now,
        }
