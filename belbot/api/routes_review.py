"""Review queues: a stratified sample of a period's answers, verdicts by reviewers, their
agreement, and reviewed items exported as test-set lines for `belbot eval run`."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query

from belbot.api.deps import MonitorDep, ServiceDep, StoreDep
from belbot.api.schemas import ExportRequest, SampleRequest, VerdictRequest
from belbot.errors import InvalidInputError
from belbot.monitoring.review import (
    check_verdict,
    cohen_kappa,
    export_line,
    review_pairs,
    sample_into_queue,
)
from belbot.store.monitoring import MonitoringStore
from belbot.store.reviews import ReviewStore

router = APIRouter(prefix="/v1/monitor/review", tags=["beoordeling"])


@router.post("/sample", status_code=201)
def sample(body: SampleRequest, store: StoreDep, identity: MonitorDep) -> dict[str, Any]:
    """Trek een gestratificeerde steekproef (onderwerp × route) uit de antwoorden van een
    periode en zet die in een beoordelingsrij."""
    reviews = ReviewStore(store)
    drawn = sample_into_queue(reviews, body.since, body.until, body.n, body.seed,
                              identity.agent_id)  # fmt: skip
    MonitoringStore(store).audit(identity.agent_id, identity.role, "sample", "batch",
                                 drawn.batch_id)  # fmt: skip
    return {
        "batch_id": drawn.batch_id,
        "period": drawn.period,
        "strata": drawn.strata,
        "population": drawn.population,
        "items": reviews.items(batch_id=drawn.batch_id),
    }


@router.get("/items")
def items(
    store: StoreDep,
    identity: MonitorDep,
    batch_id: Annotated[str | None, Query(max_length=64)] = None,
    open_only: Annotated[bool, Query(alias="open")] = False,
) -> dict[str, Any]:
    found = ReviewStore(store).items(batch_id=batch_id, open_only=open_only)
    MonitoringStore(store).audit(identity.agent_id, identity.role, "list", "review_items",
                                 batch_id or "*")  # fmt: skip
    return {"items": found}


@router.post("/items/{item_id}/verdict", status_code=201)
def verdict(
    item_id: str, body: VerdictRequest, store: StoreDep, identity: MonitorDep
) -> dict[str, Any]:
    """Oordeel over één antwoord; bij een ander oordeel dan 'juist' hoort een foutcategorie."""
    check_verdict(body.verdict, body.error_category)
    reviews = ReviewStore(store)
    item = reviews.item(item_id)
    return reviews.save_review(
        item_id,
        item["answer_id"],
        identity.agent_id,
        body.verdict,
        body.error_category,
        body.corrected_answer,
        body.chunk_id,
        body.note,
    )


@router.get("/agreement")
def agreement(
    store: StoreDep,
    identity: MonitorDep,
    batch_id: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, Any]:
    """Overeenstemming tussen twee beoordelaars (Cohen's kappa) over dubbel beoordeelde items."""
    return cohen_kappa(review_pairs(ReviewStore(store).items(batch_id=batch_id)))


@router.post("/export")
def export(
    body: ExportRequest, store: StoreDep, service: ServiceDep, identity: MonitorDep
) -> dict[str, Any]:
    """Beoordeelde items als regels voor een testset (formaat van `belbot eval run`)."""
    reviews = ReviewStore(store)
    current = {chunk.chunk_id: chunk.text for chunk in service.retriever.index.chunks}
    lines = []
    for item_id in dict.fromkeys(body.item_ids):
        item = reviews.item(item_id)
        if not item["reviews"]:
            raise InvalidInputError(f"Item {item_id} is nog niet beoordeeld.")
        mine = [r for r in item["reviews"] if r["reviewer_id"] == identity.agent_id]
        # The passage in the current knowledge base, else as the answer cited it then.
        cited = {c.chunk_id: c.text for c in store.get(item["answer_id"]).answer.citations}
        lines.append(export_line(item, (mine or item["reviews"])[-1], {**cited, **current}.get))
    MonitoringStore(store).audit(identity.agent_id, identity.role, "export", "review_items",
                                 ",".join(body.item_ids)[:200])  # fmt: skip
    return {
        "lines": lines,
        "jsonl": "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines),
    }
