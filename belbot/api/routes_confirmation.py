"""Written confirmations for the caller: draft after the call, check edits, approve, correct,
and download as text or PDF. An agent works only on their own conversations."""

from __future__ import annotations

from fastapi import APIRouter, Response

from belbot.api.deps import (
    ConfirmationsDep,
    Identity,
    IdentityDep,
    StoreDep,
    check_conversation,
)
from belbot.api.schemas import ConfirmationText
from belbot.confirmation.render import render_pdf
from belbot.confirmation.service import ConfirmationService
from belbot.confirmation.types import Confirmation, EditCheck
from belbot.store.confirmations import ConfirmationConflictError
from belbot.store.store import ConversationStore

router = APIRouter(prefix="/v1", tags=["confirmation"])


def _owned(
    confirmations: ConfirmationService, store: ConversationStore, identity: Identity, cid: str
) -> Confirmation:
    confirmation, _ = confirmations.records.get(cid)
    check_conversation(store, identity, confirmation.conversation_id)
    return confirmation


@router.post("/conversations/{conversation_id}/confirmation", status_code=201)
def draft_confirmation(
    conversation_id: str,
    confirmations: ConfirmationsDep,
    store: StoreDep,
    identity: IdentityDep,
) -> Confirmation:
    """Bevestiging opstellen: één punt per getoond, niet afgewezen antwoord, met bronnen."""
    check_conversation(store, identity, conversation_id)
    if not store.retained(conversation_id):
        raise ConfirmationConflictError(
            "Dit gesprek wordt niet bewaard (bezwaar van de beller): een schriftelijke "
            "bevestiging is niet mogelijk."
        )
    return confirmations.draft(conversation_id, identity.agent_id)


@router.get("/conversations/{conversation_id}/confirmations")
def list_confirmations(
    conversation_id: str,
    confirmations: ConfirmationsDep,
    store: StoreDep,
    identity: IdentityDep,
) -> list[Confirmation]:
    check_conversation(store, identity, conversation_id)
    return confirmations.records.for_conversation(conversation_id)


@router.get("/confirmations/{confirmation_id}")
def get_confirmation(
    confirmation_id: str, confirmations: ConfirmationsDep, store: StoreDep, identity: IdentityDep
) -> Confirmation:
    return _owned(confirmations, store, identity, confirmation_id)


@router.post("/confirmations/{confirmation_id}/check")
def check_confirmation(
    confirmation_id: str,
    body: ConfirmationText,
    confirmations: ConfirmationsDep,
    store: StoreDep,
    identity: IdentityDep,
) -> EditCheck:
    """Welke zinnen van de bewerkte tekst door geen bron worden gedekt."""
    confirmation = _owned(confirmations, store, identity, confirmation_id)
    return confirmations.check(confirmation, body.text)


@router.post("/confirmations/{confirmation_id}/approve")
def approve_confirmation(
    confirmation_id: str,
    body: ConfirmationText,
    confirmations: ConfirmationsDep,
    store: StoreDep,
    identity: IdentityDep,
) -> Confirmation:
    """Goedkeuren: de tekst wordt definitief en verandert daarna niet meer."""
    _owned(confirmations, store, identity, confirmation_id)
    return confirmations.approve(confirmation_id, body.text)


@router.post("/confirmations/{confirmation_id}/correction", status_code=201)
def correct_confirmation(
    confirmation_id: str, confirmations: ConfirmationsDep, store: StoreDep, identity: IdentityDep
) -> Confirmation:
    """Correctie op een goedgekeurde bevestiging: een nieuwe conceptversie."""
    _owned(confirmations, store, identity, confirmation_id)
    return confirmations.correct(confirmation_id, identity.agent_id)


@router.get("/confirmations/{confirmation_id}/text")
def confirmation_text(
    confirmation_id: str, confirmations: ConfirmationsDep, store: StoreDep, identity: IdentityDep
) -> Response:
    confirmation = _owned(confirmations, store, identity, confirmation_id)
    text = confirmation.final_text or confirmation.draft_text
    return Response(text, media_type="text/plain; charset=utf-8")


@router.get("/confirmations/{confirmation_id}/pdf")
def confirmation_pdf(
    confirmation_id: str, confirmations: ConfirmationsDep, store: StoreDep, identity: IdentityDep
) -> Response:
    confirmation = _owned(confirmations, store, identity, confirmation_id)
    name = f"bevestiging-{confirmation.reference}-v{confirmation.version}.pdf"
    return Response(
        render_pdf(confirmation),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
