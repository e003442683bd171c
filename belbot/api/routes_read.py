"""Reading back: answers, conversations and a source passage in its context."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from belbot.answering.types import Answer
from belbot.api.deps import (
    Identity,
    IdentityDep,
    NotFoundError,
    ServiceDep,
    StoreDep,
    check_conversation,
)
from belbot.api.schemas import SourceContext
from belbot.store.monitoring import MonitoringStore
from belbot.store.store import ConversationStore
from belbot.store.types import AnswerNotFoundError

router = APIRouter(prefix="/v1", tags=["teruglezen"])
CONTEXT_CHARS = 600


def _audit(
    store: ConversationStore, identity: Identity, action: str, kind: str, target: str
) -> None:
    """A monitor's (or admin's) view of an agent's conversation is written to the audit log."""
    if identity.reads_all:
        MonitoringStore(store).audit(identity.agent_id, identity.role, action, kind, target)


@router.get("/answers/{answer_id}", response_model=Answer)
def get_answer(answer_id: str, store: StoreDep, identity: IdentityDep) -> Answer:
    try:
        answer = store.get(answer_id).answer
    except AnswerNotFoundError as exc:
        raise NotFoundError(exc.message) from exc
    check_conversation(store, identity, answer.conversation_id)
    _audit(store, identity, "view_answer", "answer", answer_id)
    return answer


@router.get("/conversations")
def list_conversations(
    store: StoreDep, identity: IdentityDep, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> list[dict[str, object]]:
    """Eigen gesprekken (medewerker) of alle gesprekken (monitor, beheerder)."""
    return store.conversations(None if identity.reads_all else identity.agent_id, limit)


@router.get("/conversations/{conversation_id}")
def get_conversation(
    conversation_id: str, store: StoreDep, identity: IdentityDep
) -> dict[str, object]:
    check_conversation(store, identity, conversation_id)
    _audit(store, identity, "view_conversation", "conversation", conversation_id)
    return {
        "id": conversation_id,
        "answers": [a.model_dump(mode="json") for a in store.conversation_answers(conversation_id)],
    }


@router.get("/sources/{chunk_id}", response_model=SourceContext)
def get_source(chunk_id: str, service: ServiceDep, identity: IdentityDep) -> SourceContext:
    """De passage met de tekst eromheen en de gegevens van het document."""
    index = service.retriever.index
    chunk = next((c for c in index.chunks if c.chunk_id == chunk_id), None)
    if chunk is None:
        raise NotFoundError(f"Bronpassage {chunk_id} bestaat niet in de huidige kennisbank.")
    document = index.documents[chunk.doc_id]
    cleaned = index.cleaned_text(chunk.doc_id)
    return SourceContext(
        chunk_id=chunk.chunk_id,
        doc_id=document.doc_id,
        title=document.title,
        file_name=document.file_name,
        date=document.date,
        publisher=document.publisher,
        section=chunk.section,
        text=chunk.text,
        before=cleaned[max(0, chunk.start - CONTEXT_CHARS) : chunk.start],
        after=cleaned[chunk.end : chunk.end + CONTEXT_CHARS],
        line_start=chunk.line_start,
        line_end=chunk.line_end,
    )
