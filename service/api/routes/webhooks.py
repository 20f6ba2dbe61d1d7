"""Helpdesk webhooks: ``POST /v1/webhooks/chatwoot`` and ``POST /v1/webhooks/zammad``.

A webhook URL carries no API key, so the URL names the tenant (``?tenant=acme``, default
``default``) and the delivery must be signed with that tenant's secret for that helpdesk
(see service.integrations.signatures). Order of checks: signature (401) on the raw bytes,
then the payload (422 naming the field), then the tenant (404), then ingest, which is
idempotent on the helpdesk's own message/article id, so retried deliveries count once.
Deliveries with nothing to classify (other events, agents' replies, private notes,
attachments only) are answered 200 with ``status: "ignored"`` so helpdesks do not retry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from sqlalchemy import select

from service.api.deps import ServicesDep
from service.api.routes.classify import check_text_size
from service.api.schemas.common import errors
from service.context import Services, TenantContext
from service.db.models import Tenant
from service.ingest import ingest_message
from service.integrations import PayloadError, SignatureError, chatwoot, zammad
from service.integrations.common import Ignored, Parsed
from service.integrations.signatures import DEFAULT_TENANT, secret_for

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])

TenantName = Annotated[
    str,
    Query(min_length=1, max_length=100, pattern=r"^[\w.@-]+$",
          description="The toneguard tenant this helpdesk belongs to."),
]


class WebhookResult(BaseModel):
    status: Literal["ingested", "duplicate", "ignored"]
    reason: str | None = Field(default=None, description="Why a delivery was ignored.")
    message_id: str | None = None
    client_id: str | None = None
    labels: list[str] = Field(default_factory=list)
    risk_level: str | None = None


def _secret(services: Services, tenant: str, helpdesk: str) -> str:
    secret = secret_for(services.settings, tenant, helpdesk)
    if secret is None:
        raise HTTPException(401, f"no {helpdesk} webhook secret is configured for this tenant")
    return secret


def _tenant_by_name(services: Services, name: str) -> TenantContext | None:
    with services.db.session() as session:
        row = session.scalar(select(Tenant).where(Tenant.name == name))
        if row is None:
            return None
        return TenantContext(id=row.id, name=row.name, business_hours=row.business_hours)


def _parse(parse: Callable[[bytes], Parsed], raw: bytes) -> Parsed:
    try:
        result = parse(raw)
    except PayloadError as exc:
        raise HTTPException(422, {"field": exc.field, "message": exc.problem}) from exc
    return result


async def _deliver(services: Services, tenant_name: str, parsed: Parsed) -> WebhookResult:
    if isinstance(parsed, Ignored):
        return WebhookResult(status="ignored", reason=parsed.reason)
    tenant = await run_in_threadpool(_tenant_by_name, services, tenant_name)
    if tenant is None:
        raise HTTPException(404, f"tenant {tenant_name!r} does not exist; create it with "
                                 f"`toneguard keys create --tenant {tenant_name}`")
    check_text_size([parsed.text], services.settings.max_text_chars)
    result = await ingest_message(services, tenant, parsed)
    return WebhookResult(
        status="ingested" if result.created else "duplicate", reason=None,
        message_id=parsed.message_id, client_id=parsed.client_id,
        labels=list(result.message.labels), risk_level=result.tally.risk_level,
    )


@router.post("/chatwoot", response_model=WebhookResult,
             responses=errors(401, 404, 409, 413, 422))
async def chatwoot_webhook(
    request: Request,
    services: ServicesDep,
    tenant: TenantName = DEFAULT_TENANT,
    signature: Annotated[str | None, Header(alias=chatwoot.SIGNATURE_HEADER)] = None,
    timestamp: Annotated[str | None, Header(alias=chatwoot.TIMESTAMP_HEADER)] = None,
) -> WebhookResult:
    """Chatwoot `message_created`: incoming, non-private messages are classified and counted."""
    raw = await request.body()
    try:
        chatwoot.verify(raw, signature, timestamp, _secret(services, tenant, "chatwoot"))
    except SignatureError as exc:
        raise HTTPException(401, f"chatwoot signature rejected: {exc}") from exc
    return await _deliver(services, tenant, _parse(chatwoot.parse, raw))


@router.post("/zammad", response_model=WebhookResult,
             responses=errors(401, 404, 409, 413, 422))
async def zammad_webhook(
    request: Request,
    services: ServicesDep,
    tenant: TenantName = DEFAULT_TENANT,
    signature: Annotated[str | None, Header(alias=zammad.SIGNATURE_HEADER)] = None,
) -> WebhookResult:
    """Zammad trigger: the customer's non-internal article is classified and counted."""
    raw = await request.body()
    try:
        zammad.verify(raw, signature, _secret(services, tenant, "zammad"))
    except SignatureError as exc:
        raise HTTPException(401, f"zammad signature rejected: {exc}") from exc
    return await _deliver(services, tenant, _parse(zammad.parse, raw))
