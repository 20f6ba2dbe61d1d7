"""Client cards, the risk-sorted client list, erasure and label feedback."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from classifier.hours import effective_hours
from service.api import convert
from service.api.deps import ServicesDep, SessionDep, TenantDep
from service.api.schemas.clients import (
    ClientDeleted,
    ClientDetail,
    ClientPage,
    ClientSummary,
    FeedbackRequest,
    FeedbackResponse,
)
from service.api.schemas.common import ClientQuery, Identifier, RiskLevel, errors
from service.clock import tenant_zone
from service.feedback import apply_feedback
from service.reads import client_card, delete_client, list_clients

router = APIRouter(prefix="/v1", tags=["clients"])
NOT_FOUND = errors(401, 404, 422)


@router.get("/clients/{client_id:path}", response_model=ClientDetail, responses=NOT_FOUND)
def get_client(
    client_id: Identifier, tenant: TenantDep, services: ServicesDep, session: SessionDep,
    evidence_limit: Annotated[int, Query(ge=0, le=200)] = 50,
) -> ClientDetail:
    """Counts (all-time, 7 and 30 days), decayed risk, reasons, evidence and a timeline."""
    hours = effective_hours(services.settings.business_hours, tenant.business_hours)
    card = client_card(
        session, tenant.id, client_id, now=datetime.now(UTC),
        half_life=services.settings.risk_half_life_days,
        tz=tenant_zone(hours.get("timezone")), evidence_limit=evidence_limit,
    )
    if card is None:
        raise HTTPException(404, f"no client {client_id!r}")
    return convert.client_detail(card)


@router.get("/clients", response_model=ClientPage, responses=errors(401))
def get_clients(
    tenant: TenantDep, services: ServicesDep, session: SessionDep,
    risk_level: RiskLevel | None = None,
    q: ClientQuery | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ClientPage:
    """Clients sorted by current risk, riskiest first; `q`: part of the client id, any case."""
    tallies, last_seen, total, last = list_clients(
        session, tenant.id, now=datetime.now(UTC),
        half_life=services.settings.risk_half_life_days, level=risk_level, q=q, limit=limit,
        offset=offset,
    )
    items = [
        ClientSummary(**convert.tally_out(t).model_dump(), last_seen=seen,
                      last_message=convert.last_message(m))
        for t, seen, m in zip(tallies, last_seen, last, strict=True)
    ]
    return ClientPage(items=items, total=total, limit=limit, offset=offset)


@router.delete("/clients/{client_id:path}", response_model=ClientDeleted, responses=NOT_FOUND)
def erase_client(client_id: Identifier, tenant: TenantDep, session: SessionDep) -> ClientDeleted:
    """Erase the client's messages, feedback and tally (right to be forgotten)."""
    n = delete_client(session, tenant.id, client_id)
    if n is None:
        raise HTTPException(404, f"no client {client_id!r}")
    return ClientDeleted(client_id=client_id, deleted_messages=n)


@router.post("/feedback", response_model=FeedbackResponse,
             responses=errors(401, 404, 422))
def feedback(
    body: FeedbackRequest, tenant: TenantDep, services: ServicesDep, session: SessionDep
) -> FeedbackResponse:
    """An agent's correction of a stored message's labels; tallies follow it."""
    done = apply_feedback(
        session, tenant.id, body.message_id, list(body.labels),
        services.settings.risk_half_life_days, agent=body.agent, comment=body.comment,
    )
    if done is None:
        raise HTTPException(404, f"no message {body.message_id!r}")
    return FeedbackResponse(
        message_id=done.message_id, previous_labels=done.previous_labels, labels=done.labels,
        tally=convert.tally_out(done.tally),
    )
