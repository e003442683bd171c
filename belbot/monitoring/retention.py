"""Retention: conversations older than the retention period are deleted with everything that
hangs off them, after their counts are added to the ``counters`` table; so the dashboard's
history survives and no content does. "Niet bewaren" applies the same to one conversation at
once, and its later turns are never stored (see ConversationStore.save)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from belbot.logs import get_logger
from belbot.monitoring.rollup import Scope, raw_counters
from belbot.store.store import ConversationStore
from belbot.store.types import iso_utc

log = get_logger(__name__)

# Children first: foreign keys are on.
_DELETE_BY_ANSWER = ("reviews", "review_items", "tag_corrections", "feedback", "feedback_history",
                     "events")  # fmt: skip
_DELETE_BY_CONVERSATION = ("events", "escalations", "confirmations")


@dataclass(frozen=True)
class PurgeReport:
    conversations: int
    answers: int
    days_counted: int
    cutoff: str


def _delete(store: ConversationStore, ids: list[str], keep_rows: bool) -> int:
    db = store.db
    marks = ", ".join("?" * len(ids))
    answer_ids = [
        row[0]
        for row in db.execute(
            "SELECT a.id FROM answers a JOIN turns t ON a.turn_id = t.id "
            f"WHERE t.conversation_id IN ({marks})",
            ids,
        )
    ]
    for start in range(0, len(answer_ids), 500):
        chunk = answer_ids[start : start + 500]
        chunk_marks = ", ".join("?" * len(chunk))
        for table in _DELETE_BY_ANSWER:
            db.execute(f"DELETE FROM {table} WHERE answer_id IN ({chunk_marks})", chunk)
        db.execute(f"DELETE FROM answers WHERE id IN ({chunk_marks})", chunk)
    for table in _DELETE_BY_CONVERSATION:
        db.execute(f"DELETE FROM {table} WHERE conversation_id IN ({marks})", ids)
    db.execute(f"DELETE FROM turns WHERE conversation_id IN ({marks})", ids)
    if not keep_rows:
        db.execute(f"DELETE FROM conversations WHERE id IN ({marks})", ids)
    return len(answer_ids)


def _fold(
    store: ConversationStore, scope: Scope, ids: list[str], keep_rows: bool
) -> tuple[int, set[str]]:
    """Inside one transaction: add the rows' counts to the counters, then delete the rows. A
    crash between the two cannot count twice or lose counts."""
    days = raw_counters(store, scope)
    for day, counts in sorted(days.items()):
        store.add_counters_in_transaction(day, counts)
    return _delete(store, ids, keep_rows) if ids else 0, set(days)


def purge(store: ConversationStore, cutoff: datetime) -> PurgeReport:
    """Delete the conversations started before ``cutoff``; keep their counts."""
    before = iso_utc(cutoff)
    with store.transaction():
        ids = [
            row[0]
            for row in store.db.execute(
                "SELECT id FROM conversations WHERE created_at < ?", (before,)
            )
        ]
        answers, days = 0, set[str]()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            scope = Scope(conversation_ids=tuple(chunk))
            deleted, counted = _fold(store, scope, chunk, keep_rows=False)
            answers, days = answers + deleted, days | counted
    for conversation_id in ids:
        store.forget_ephemeral(conversation_id)
    log.info("retention.purged", conversations=len(ids), answers=answers, cutoff=before)
    return PurgeReport(len(ids), answers, len(days), before)


def stop_recording(store: ConversationStore, conversation_id: str) -> int:
    """The caller objected to recording: fold what was stored into the counters, delete it,
    and store nothing of the conversation from now on. Returns the answers deleted."""
    history = store.history(conversation_id)
    with store.transaction():
        deleted, _ = _fold(store, Scope(conversation_ids=(conversation_id,)), [conversation_id],
                           keep_rows=True)  # fmt: skip
        store.db.execute("UPDATE conversations SET retain = 0 WHERE id = ?", (conversation_id,))
    store.keep_history_in_memory(conversation_id, history)
    log.info("retention.not_recorded", conversation_id=conversation_id, answers=deleted)
    return deleted
