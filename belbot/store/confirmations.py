"""Confirmations in the conversation store: versioned per conversation; an approved version is
never updated again (the UPDATE only matches drafts), a correction is the next version."""

from __future__ import annotations

from belbot.confirmation.types import Confirmation
from belbot.errors import BelbotError
from belbot.store.database import ConstraintError
from belbot.store.store import ConversationStore


class ConfirmationNotFoundError(BelbotError):
    code = "confirmation_not_found"


class ConfirmationConflictError(BelbotError):
    code = "confirmation_conflict"


class ConfirmationStore:
    def __init__(self, store: ConversationStore) -> None:
        self._store = store

    def next_version(self, conversation_id: str) -> int:
        row = self._store.db.execute(
            "SELECT COALESCE(MAX(version), 0) FROM confirmations WHERE conversation_id = ?",
            (conversation_id,),
        ).fetchone()
        return int(row[0]) + 1

    def insert(self, confirmation: Confirmation, agent_id: str) -> None:
        try:
            self._store.db.execute(
                "INSERT INTO confirmations (id, conversation_id, version, status, record, "
                "draft_text, agent_id, created_at) VALUES (?,?,?,?,?,?,?,?)",
                (
                    confirmation.confirmation_id,
                    confirmation.conversation_id,
                    confirmation.version,
                    confirmation.status,
                    confirmation.model_dump_json(),
                    confirmation.draft_text,
                    agent_id,
                    confirmation.created_at,
                ),
            )
        except ConstraintError as exc:  # two drafts raced for one version
            raise ConfirmationConflictError(
                "Er is tegelijk een andere versie opgesteld. Laad de bevestiging opnieuw."
            ) from exc

    def get(self, confirmation_id: str) -> tuple[Confirmation, str]:
        """The record and the agent who drafted it."""
        row = self._store.db.execute(
            "SELECT record, agent_id FROM confirmations WHERE id = ?", (confirmation_id,)
        ).fetchone()
        if row is None:
            raise ConfirmationNotFoundError(f"Bevestiging {confirmation_id} bestaat niet.")
        return Confirmation.model_validate_json(row[0]), str(row[1])

    def for_conversation(self, conversation_id: str) -> list[Confirmation]:
        rows = self._store.db.execute(
            "SELECT record FROM confirmations WHERE conversation_id = ? ORDER BY version",
            (conversation_id,),
        )
        return [Confirmation.model_validate_json(row[0]) for row in rows]

    def approve(self, confirmation: Confirmation) -> None:
        cursor = self._store.db.execute(
            "UPDATE confirmations SET status = 'approved', record = ?, final_text = ?, diff = ?, "
            "approved_at = ?, seconds_to_approve = ? WHERE id = ? AND status = 'draft'",
            (
                confirmation.model_dump_json(),
                confirmation.final_text,
                confirmation.diff,
                confirmation.approved_at,
                confirmation.seconds_to_approve,
                confirmation.confirmation_id,
            ),
        )
        if cursor.rowcount != 1:
            raise ConfirmationConflictError(
                "Deze bevestiging is al goedgekeurd en verandert niet meer; maak een correctie."
            )

    def approved_since(self, since: str) -> list[Confirmation]:
        rows = self._store.db.execute(
            "SELECT record FROM confirmations WHERE status = 'approved' AND approved_at >= ? "
            "ORDER BY approved_at",
            (since,),
        )
        return [Confirmation.model_validate_json(row[0]) for row in rows]

    def rejected_answers(self, conversation_id: str) -> set[str]:
        """Answers of the conversation that an agent currently rates thumbs down."""
        rows = self._store.db.execute(
            "SELECT f.answer_id FROM feedback f JOIN answers a ON a.id = f.answer_id "
            "JOIN turns t ON a.turn_id = t.id WHERE t.conversation_id = ? AND f.rating = 'down'",
            (conversation_id,),
        )
        return {row[0] for row in rows}

    def shown_answers(self, conversation_id: str) -> set[str] | None:
        """Answers the side panel reported as shown; None when the conversation has no display
        events at all (a client that does not report them)."""
        rows = self._store.db.execute(
            "SELECT DISTINCT answer_id FROM events WHERE conversation_id = ? "
            "AND kind = 'answer_shown'",
            (conversation_id,),
        ).fetchall()
        return {row[0] for row in rows if row[0]} if rows else None
