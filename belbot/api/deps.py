"""Dependencies of the routers: the services on app.state and the caller's identity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from belbot.answering.service import AnswerService
from belbot.api.gate import ModelGate
from belbot.api.metrics import Metrics
from belbot.confirmation.service import ConfirmationService
from belbot.errors import BelbotError
from belbot.store.store import ConversationStore


class AuthError(BelbotError):
    code = "unauthorized"


class ForbiddenError(BelbotError):
    code = "forbidden"


class NotFoundError(BelbotError):
    code = "not_found"


@dataclass(frozen=True)
class Identity:
    role: str
    agent_id: str

    @property
    def reads_all(self) -> bool:
        return self.role in ("monitor", "admin")


def _service(request: Request) -> AnswerService:
    return request.app.state.service  # type: ignore[no-any-return]


def _store(request: Request) -> ConversationStore:
    return request.app.state.store  # type: ignore[no-any-return]


def _gate(request: Request) -> ModelGate:
    return request.app.state.gate  # type: ignore[no-any-return]


def _metrics(request: Request) -> Metrics:
    return request.app.state.metrics  # type: ignore[no-any-return]


def _confirmations(request: Request) -> ConfirmationService:
    return request.app.state.confirmations  # type: ignore[no-any-return]


def _identity(request: Request) -> Identity:
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise AuthError("Geen API-sleutel meegegeven (Authorization: Bearer ...).")
    found = _store(request).key_identity(key.strip())
    if found is None:
        raise AuthError("Onbekende of ingetrokken API-sleutel.")
    return Identity(*found)


def _admin(identity: Annotated[Identity, Depends(_identity)]) -> Identity:
    if identity.role != "admin":
        raise ForbiddenError("Alleen een beheerder mag dit doen.")
    return identity


def _monitor(identity: Annotated[Identity, Depends(_identity)]) -> Identity:
    if not identity.reads_all:
        raise ForbiddenError("Alleen kwaliteitsmonitors en beheerders zien dit overzicht.")
    return identity


ServiceDep = Annotated[AnswerService, Depends(_service)]
StoreDep = Annotated[ConversationStore, Depends(_store)]
GateDep = Annotated[ModelGate, Depends(_gate)]
MetricsDep = Annotated[Metrics, Depends(_metrics)]
ConfirmationsDep = Annotated[ConfirmationService, Depends(_confirmations)]
IdentityDep = Annotated[Identity, Depends(_identity)]
AdminDep = Annotated[Identity, Depends(_admin)]
MonitorDep = Annotated[Identity, Depends(_monitor)]


def check_conversation(store: ConversationStore, identity: Identity, conversation_id: str) -> None:
    """An agent works only in their own conversations: another agent's is a 403, an unknown
    ID a 404."""
    owner = store.conversation_owner(conversation_id)
    if owner is None:
        raise NotFoundError(f"Gesprek {conversation_id} bestaat niet.")
    if not identity.reads_all and owner != identity.agent_id:
        raise ForbiddenError("Dit gesprek is van een andere medewerker.")
