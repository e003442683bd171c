"""Draft, check, approve and correct confirmations of a conversation.

The agent's edits are free text; every sentence they add or change is checked against the
passages the confirmation cites, and sentences no source backs are reported (and stored with
the approval), so the agent sees what they would be sending without substantiation."""

from __future__ import annotations

import difflib
import hashlib
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime

from belbot.answering.verify import strip_markers
from belbot.confirmation.draft import Drafter, answer_statements, check_sentence
from belbot.confirmation.render import CLOSING, HEADINGS, INTRO, TITLE, render_text
from belbot.confirmation.types import Confirmation, EditCheck
from belbot.errors import InvalidInputError
from belbot.logs import get_logger
from belbot.retrieval.lexical import TermStats
from belbot.store.confirmations import ConfirmationConflictError, ConfirmationStore
from belbot.store.store import ConversationStore

log = get_logger(__name__)

MAX_TEXT_CHARS = 20_000
# Lines of the fixed template: never checked against sources.
_FIXED_LINES = {TITLE, INTRO, CLOSING, *HEADINGS, "Met vriendelijke groet,", "BelastingTelefoon"}
_FIXED_PREFIXES = ("Datum:", "Kenmerk:", "Aan:", "[ADRES]", "Beste ", "- ", "[")


def _now() -> datetime:
    return datetime.now(UTC)


class ConfirmationService:
    def __init__(
        self,
        store: ConversationStore,
        stats: Callable[[], TermStats],
        support_threshold: float,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self._store = store
        self._confirmations = ConfirmationStore(store)
        self._stats = stats
        self._threshold = support_threshold
        self._clock = clock

    @property
    def records(self) -> ConfirmationStore:
        return self._confirmations

    def draft(self, conversation_id: str, agent_id: str) -> Confirmation:
        started = time.perf_counter()
        answers = self._store.conversation_answers(conversation_id)
        if not answers:
            raise InvalidInputError(
                "Dit gesprek heeft nog geen antwoorden: er is niets om te bevestigen."
            )
        content = Drafter(self._stats(), self._threshold).build(
            answers,
            self._confirmations.rejected_answers(conversation_id),
            self._confirmations.shown_answers(conversation_id),
        )
        now = self._clock()
        version = self._confirmations.next_version(conversation_id)
        reference = _reference(conversation_id, now)
        confirmation = Confirmation(
            confirmation_id=_confirmation_id(conversation_id, version),
            conversation_id=conversation_id,
            version=version,
            reference=reference,
            date=now.date().isoformat(),
            points=content.points,
            notes=content.notes,
            omitted=content.omitted,
            draft_text=render_text(reference, now.date(), content.points, content.notes),
            created_at=now.isoformat(timespec="milliseconds"),
        )
        confirmation.generation_ms = round((time.perf_counter() - started) * 1000, 2)
        self._confirmations.insert(confirmation, agent_id)
        log.info(
            "confirmation.drafted",
            confirmation_id=confirmation.confirmation_id,
            version=version,
            points=len(content.points),
            omitted=len(content.omitted),
            ms=confirmation.generation_ms,
        )
        return confirmation

    def check(self, confirmation: Confirmation, text: str) -> EditCheck:
        """Sentences of ``text`` that no cited passage supports. Fixed template lines, the
        numbered topic lines and the draft's own verified statements are known; whatever else
        a line holds (new or changed text) is checked sentence by sentence."""
        _validate_text(text)
        passages = [note.passage for note in confirmation.notes]
        stats = self._stats()
        topics = {f"{n}. {p.topic}" for n, p in enumerate(confirmation.points, start=1)}
        known = sorted(
            {_norm(s) for p in confirmation.points for s in p.statements}, key=len, reverse=True
        )
        unsupported: list[str] = []
        checked = 0
        for line in text.splitlines():
            body = line.strip()
            if not body or body in _FIXED_LINES or body in topics:
                continue
            if body.startswith(_FIXED_PREFIXES):
                continue
            rest = _norm(body)
            for statement in known:
                if statement in rest:
                    checked += 1
                    rest = rest.replace(statement, " ")
            for sentence in answer_statements(rest):
                if not re.search(r"\w{2,}", strip_markers(sentence)):
                    continue
                checked += 1
                if not check_sentence(stats, sentence, passages, self._threshold).supported:
                    unsupported.append(" ".join(strip_markers(sentence).split()))
        return EditCheck(unsupported=unsupported, checked=checked)

    def approve(self, confirmation_id: str, text: str) -> Confirmation:
        confirmation, _ = self._confirmations.get(confirmation_id)
        check = self.check(confirmation, text)
        now = self._clock()
        created = datetime.fromisoformat(confirmation.created_at)
        approved = confirmation.model_copy(
            update={
                "status": "approved",
                "final_text": text,
                "diff": "".join(
                    difflib.unified_diff(
                        confirmation.draft_text.splitlines(keepends=True),
                        text.splitlines(keepends=True),
                        "concept",
                        "definitief",
                    )
                ),
                "unsupported_in_final": check.unsupported,
                "approved_at": now.isoformat(timespec="milliseconds"),
                "seconds_to_approve": round((now - created).total_seconds(), 1),
            }
        )
        # The store updates drafts only: approving twice (or racing) is a conflict there.
        self._confirmations.approve(approved)
        log.info(
            "confirmation.approved",
            confirmation_id=confirmation_id,
            unsupported=len(check.unsupported),
            seconds=approved.seconds_to_approve,
        )
        return approved

    def correct(self, confirmation_id: str, agent_id: str) -> Confirmation:
        """A new draft version starting from the approved text; the approved one stays."""
        original, _ = self._confirmations.get(confirmation_id)
        if original.status != "approved":
            raise ConfirmationConflictError(
                "Alleen een goedgekeurde bevestiging kan gecorrigeerd worden; pas het concept aan."
            )
        now = self._clock()
        version = self._confirmations.next_version(original.conversation_id)
        correction = original.model_copy(
            update={
                "confirmation_id": _confirmation_id(original.conversation_id, version),
                "version": version,
                "supersedes": original.confirmation_id,
                "draft_text": original.final_text or original.draft_text,
                "status": "draft",
                "final_text": None,
                "diff": None,
                "unsupported_in_final": [],
                "created_at": now.isoformat(timespec="milliseconds"),
                "approved_at": None,
                "seconds_to_approve": None,
            }
        )
        self._confirmations.insert(correction, agent_id)
        return correction


def _norm(text: str) -> str:
    return " ".join(text.replace("•", " ").split())


def _validate_text(text: str) -> None:
    if not text.strip():
        raise InvalidInputError("De bevestiging is leeg.")
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInputError(f"De bevestiging is te lang (meer dan {MAX_TEXT_CHARS} tekens).")


def _confirmation_id(conversation_id: str, version: int) -> str:
    return hashlib.sha256(f"{conversation_id}:{version}".encode()).hexdigest()[:20]


def _reference(conversation_id: str, now: datetime) -> str:
    """Readable and stable: the date and a hash of the conversation (no personal data)."""
    digest = hashlib.sha256(conversation_id.encode()).hexdigest()[:6].upper()
    return f"BT-{now:%Y%m%d}-{digest}"
