"""The review queue (near-threshold labels waiting for an agent) and a message's
corrections, newest first (the audit trail)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Security

from service.api import convert
from service.api.deps import ServicesDep, SessionDep, TenantDep, api_key_header
from service.api.schemas.common import Identifier, errors
from service.api.schemas.review import (
    CorrectionList,
    CorrectionOut,
    ReviewDecisionOut,
    ReviewDecisionRequest,
    ReviewItemOut,
    ReviewMessage,
    ReviewPage,
)
from service.review import AlreadyDecided, decide, pending_items, refresh_queue
from service.review import corrections as list_corrections
from service.sensitivity import tenant_decision
from service.tenants import tenant_sensitivity

router = APIRouter(prefix="/v1", tags=["review"])


@router.get("/review", response_model=ReviewPage, responses=errors(401))
def review_queue(
    tenant: TenantDep, services: ServicesDep, session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ReviewPage:
    """Labels whose score sat within the band of their threshold, newest message first."""
    band = services.settings.review_band
    # Messages stored before thresholds were recorded are read with the tenant's current ones.
    fallback, _ = tenant_decision(services.engine.model_thresholds,
                                  tenant_sensitivity(session, tenant.id))
    refresh_queue(session, tenant.id, band, fallback)
    items, total = pending_items(session, tenant.id, limit, offset)
    return ReviewPage(
        items=[
            ReviewItemOut(
                id=i.id, label=i.label, score=i.score, threshold=i.threshold,
                flagged=i.label in i.message.labels, created_at=i.created_at,
                message=ReviewMessage(
                    message_id=i.message.message_id, client_id=i.message.client_id,
                    text=i.message.text, subject=i.message.subject,
                    channel=i.message.channel, sent_at=i.message.sent_at,
                    received_at=i.message.received_at, labels=i.message.labels,
                    scores=i.message.scores,
                ),
            )
            for i in items
        ],
        total=total, limit=limit, offset=offset, band=band,
    )


@router.post("/review/{item_id}", response_model=ReviewDecisionOut,
             responses=errors(401, 404, 409, 422))
def review_decide(
    item_id: Annotated[int, Path(ge=1, le=2**62)], body: ReviewDecisionRequest,
    tenant: TenantDep, services: ServicesDep, session: SessionDep,
    key: Annotated[str | None, Security(api_key_header)],
) -> ReviewDecisionOut:
    """Confirm or reject the label in doubt; the answer is kept as a correction."""
    agent = (body.agent or "").strip() or f"key {(key or '')[:10]}"
    try:
        done = decide(session, tenant.id, item_id, body.decision == "confirm", agent,
                      services.settings.risk_half_life_days)
    except AlreadyDecided as exc:
        raise HTTPException(409, str(exc)) from exc
    if done is None:
        raise HTTPException(404, f"no review item {item_id}")
    c = done.correction
    return ReviewDecisionOut(
        id=done.item_id, label=done.label, decision=done.decision,  # type: ignore[arg-type]
        decided_by=done.agent, decided_at=done.decided_at, message_id=c.message_id,
        previous_labels=c.previous_labels, labels=c.labels, tally=convert.tally_out(c.tally),
    )


@router.get("/messages/{message_id:path}/corrections", response_model=CorrectionList,
            responses=errors(401, 404, 422))
def message_corrections(
    message_id: Identifier, tenant: TenantDep, session: SessionDep
) -> CorrectionList:
    """Who changed the message's labels, when, from what to what; newest first."""
    found = list_corrections(session, tenant.id, message_id)
    if found is None:
        raise HTTPException(404, f"no message {message_id!r}")
    return CorrectionList(message_id=message_id, items=[
        CorrectionOut(
            id=r.id, agent=r.agent, created_at=r.created_at, previous_labels=r.previous_labels,
            labels=r.labels, comment=r.comment, review_label=r.review_label,
            review_decision=r.review_decision,  # type: ignore[arg-type]
        )
        for r in found
    ])
