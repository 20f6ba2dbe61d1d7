"""POST /v1/messages (ingest) and the inbox reads GET /v1/messages[/{message_id}]."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.concurrency import run_in_threadpool

from classifier.hours import effective_hours
from service.api import convert
from service.api.deps import ServicesDep, SessionDep, TenantDep
from service.api.limits import check_text_size
from service.api.schemas.common import ClientQuery, Identifier, Label, ReplyOut, RiskLevel, errors
from service.api.schemas.messages import (
    IngestRequest,
    IngestResponse,
    MessageDetail,
    MessagePage,
)
from service.context import Services, TenantContext
from service.ingest import IncomingMessage, ingest_message
from service.integrations.raw_email_route import RFC822_OPENAPI, RawEmailAwareRoute
from service.reads import inbox, latest_correction, message_detail

logger = logging.getLogger(__name__)
# RawEmailAwareRoute: POST /v1/messages also takes Content-Type: message/rfc822.
router = APIRouter(prefix="/v1", tags=["messages"], route_class=RawEmailAwareRoute)


def suggest_replies(
    services: Services, tenant: TenantContext, text: str, labels: list[str], lang: str | None,
    risk_level: str, variables: dict[str, str], k: int,
    hours: dict[str, Any] | None = None,
) -> list[ReplyOut]:
    """Suggested replies from the replies module, or none when it is not available."""
    suggester = services.suggester
    if suggester is None or k <= 0:
        return []
    hours = hours or effective_hours(services.settings.business_hours, tenant.business_hours)
    try:
        replies = suggester.suggest(
            text, labels, lang, risk_level, variables, k=k, hours=hours
        )
    except ValueError:
        logger.warning("reply suggestion failed", exc_info=True)
        return []
    return convert.reply_out(replies)


@router.post("/messages", response_model=IngestResponse,
             responses=errors(401, 409, 413, 422), openapi_extra=RFC822_OPENAPI)
async def ingest(body: IngestRequest, tenant: TenantDep, services: ServicesDep) -> IngestResponse:
    """Classify, store and count one message; replays of a message_id count once."""
    check_text_size([body.text], services.settings.max_text_chars)
    override = body.business_hours.as_json() if body.business_hours else None
    result = await ingest_message(
        services, tenant,
        IncomingMessage(message_id=body.message_id, client_id=body.client_id, text=body.text,
                        sent_at=body.sent_at, channel=body.channel, subject=body.subject),
        business_hours=override,
    )
    variables = body.reply_variables.model_dump(exclude_none=True) if body.reply_variables else {}
    hours = effective_hours(services.settings.business_hours, tenant.business_hours, override)
    replies = await run_in_threadpool(
        suggest_replies, services, tenant, body.text, result.message.labels, result.message.lang,
        result.tally.risk_level, variables, body.replies, hours,
    )
    return IngestResponse(
        created=result.created, message=convert.message_out(result.message),
        tally=convert.tally_out(result.tally), replies=replies,
    )


@router.get("/messages", response_model=MessagePage, responses=errors(401))
def list_messages(
    tenant: TenantDep, services: ServicesDep, session: SessionDep,
    label: Label | None = None,
    risk_level: RiskLevel | None = None,
    client_id: Annotated[Identifier | None, Query()] = None,
    q: ClientQuery | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> MessagePage:
    """The inbox: newest first by send time (arrival time for messages without one),
    filtered by label, client risk level, client id, or `q`: part of the client id, any case.
    """
    rows, total = inbox(
        session, tenant.id, now=datetime.now(UTC),
        half_life=services.settings.risk_half_life_days, label=label, level=risk_level,
        client_id=client_id, client_q=q, limit=limit, offset=offset,
    )
    return MessagePage(items=[convert.summary(r) for r in rows], total=total, limit=limit,
                       offset=offset)


@router.get("/messages/{message_id:path}", response_model=MessageDetail,
            responses=errors(401, 404, 422))
def get_message(
    message_id: Identifier, tenant: TenantDep, services: ServicesDep, session: SessionDep
) -> MessageDetail:
    """One stored message with spans, ignored ranges, its client's current risk and the
    latest agent correction."""
    found = message_detail(session, tenant.id, message_id, services.settings.risk_half_life_days)
    if found is None:
        raise HTTPException(404, f"no message {message_id!r}")
    return convert.message_detail(*found, latest_correction(session, tenant.id, message_id))
