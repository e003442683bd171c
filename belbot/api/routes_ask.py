"""Asking: a full answer, or server-sent events with draft tokens and then the verified answer."""

from __future__ import annotations

import json
from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from belbot.answering.types import Answer
from belbot.api.deps import (
    GateDep,
    IdentityDep,
    MetricsDep,
    ServiceDep,
    StoreDep,
    check_conversation,
)
from belbot.api.schemas import AskRequest
from belbot.errors import BelbotError

router = APIRouter(prefix="/v1", tags=["vragen"])


@router.post("/ask", response_model=Answer)
def ask(
    body: AskRequest,
    service: ServiceDep,
    store: StoreDep,
    gate: GateDep,
    identity: IdentityDep,
    metrics: MetricsDep,
) -> Answer:
    """Beantwoord een vraag; het antwoord draagt zijn bronnen, route en versies."""
    if body.conversation_id:
        check_conversation(store, identity, body.conversation_id)
    with gate.hold():
        answer = service.ask(
            body.question, body.conversation_id, agent_id=identity.agent_id, record=body.record
        )
    metrics.answers.labels(answer.path, str(answer.cached).lower()).inc()
    return answer


def _sse(event: str, data: object) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.post("/ask/stream")
def ask_stream(
    body: AskRequest,
    service: ServiceDep,
    store: StoreDep,
    gate: GateDep,
    identity: IdentityDep,
    metrics: MetricsDep,
) -> StreamingResponse:
    """Server-sent events: `token` (concept), then `answer` (het geverifieerde antwoord, dat
    kan afwijken van het concept), of `error`."""
    if body.conversation_id:
        check_conversation(store, identity, body.conversation_id)
    hold = gate.hold()
    hold.__enter__()  # queue before the response starts, so overload is a plain 503

    def events() -> Iterator[str]:
        try:
            for item in service.ask_stream(
                body.question, body.conversation_id, agent_id=identity.agent_id, record=body.record
            ):
                if isinstance(item, Answer):
                    metrics.answers.labels(item.path, str(item.cached).lower()).inc()
                    yield _sse("answer", item.model_dump(mode="json"))
                elif item:
                    yield _sse("token", {"text": item})
        except BelbotError as exc:
            yield _sse("error", {"code": exc.code, "message": exc.message})
        finally:
            hold.__exit__(None, None, None)

    return StreamingResponse(
        events(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
    )
