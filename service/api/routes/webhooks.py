"""Helpdesk webhooks: ``POST /v1/webhooks/chatwoot`` and ``POST /v1/webhooks/zammad``.

A webhook URL carries no API key, so the URL names the tenant (``?tenant=acme``, default
``default``) and the delivery must prove it comes from that tenant's helpdesk: a signature
made with one of the tenant's secrets for that helpdesk (the default; see
service.integrations.signatures), or, for senders that cannot sign (Chatwoot before
4.11.2), one of the tenant's URL tokens (``&token=...``; service.integrations.tokens).
Order of checks: body size (413, ``webhook_max_body_bytes``), authentication (401) on the
raw bytes, then the payload (422 naming the field), then the tenant (404). A delivery
that passes is stored as a job and answered 202 with the job's id at once; a worker
classifies it afterwards (service.integrations.deliveries), idempotent on the helpdesk's
own message/article id, so retried deliveries count once. Long e-mail threads are stored,
not refused: only the client's own text is classified (service.integrations.long_text).
Deliveries with nothing to classify (other events, agents' replies, private notes,
attachments only) are answered 200 with ``status: "ignored"`` so helpdesks do not retry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Query, Request, Response

from service.api.deps import ServicesDep
from service.api.schemas.common import errors
from service.api.schemas.webhooks import WebhookResult
from service.context import Services
from service.integrations import PayloadError, SignatureError, chatwoot, zammad
from service.integrations.common import Ignored, Parsed
from service.integrations.deliveries import AcceptBatcher, Delivery, parse_delivery
from service.integrations.signatures import DEFAULT_TENANT, secrets_for
from service.integrations.tokens import check_token, install_log_redaction, tokens_for

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])
# The URL token must not reach the access log (uvicorn logs the query string).
install_log_redaction()

TenantName = Annotated[
    str,
    Query(min_length=1, max_length=100, pattern=r"^[\w.@-]+$",
          description="The toneguard tenant this helpdesk belongs to."),
]
UrlToken = Annotated[
    str | None,
    Query(max_length=256, description="One of the tenant's webhook tokens "
          "(TONEGUARD_WEBHOOK_TOKENS), for senders that cannot sign their deliveries."),
]


def _authenticate(services: Services, tenant: str, helpdesk: str, token: str | None,
                  check_signature: Callable[[Sequence[str]], None]) -> str:
    """How the delivery proved its origin ("signature" or "token"); 401 when it did not.

    A signature is checked whenever the tenant has secrets for this helpdesk; a URL token
    is an alternative, accepted when it matches one of the tenant's tokens.
    """
    secrets = secrets_for(services.settings, tenant, helpdesk)
    tokens = tokens_for(services.settings, tenant, helpdesk)
    if not secrets and not tokens:
        raise HTTPException(401, f"no {helpdesk} webhook secret or token is configured "
                                 "for this tenant")
    problems: list[str] = []
    if secrets:
        try:
            check_signature(secrets)
            return "signature"
        except SignatureError as exc:
            problems.append(f"signature rejected: {exc}")
    if token is not None or not secrets:
        try:
            check_token(token, tokens)
            return "token"
        except SignatureError as exc:
            problems.append(str(exc))
    raise HTTPException(401, f"{helpdesk} delivery not authenticated: " + "; ".join(problems))


def _accepter(request: Request, services: Services) -> AcceptBatcher:
    """The app's one batcher (deliveries arriving together share a transaction)."""
    batcher: AcceptBatcher | None = getattr(request.app.state, "webhook_accepter", None)
    if batcher is None or batcher.db is not services.db:
        batcher = AcceptBatcher(services.db, services.settings.jobs_max_attempts)
        request.app.state.webhook_accepter = batcher
    return batcher


def _parse(helpdesk: str, raw: bytes) -> Parsed:
    try:
        return parse_delivery(helpdesk, raw)
    except PayloadError as exc:
        raise HTTPException(422, {"field": exc.field, "message": exc.problem}) from exc


async def _deliver(services: Services, request: Request, response: Response, tenant_name: str,
                   parsed: Parsed, raw: bytes, helpdesk: str) -> WebhookResult:
    if isinstance(parsed, Ignored):
        response.status_code = 200
        return WebhookResult(status="ignored", reason=parsed.reason)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HTTPException(422, {"field": "body", "message": "must be UTF-8"}) from exc
    workers = getattr(request.app.state, "jobs", None)
    if workers is not None:  # the job threads hold off while deliveries keep arriving
        workers.foreground.note()
    done = await _accepter(request, services).accept(
        Delivery(tenant_name, helpdesk, raw, parsed))
    if done is None:
        raise HTTPException(404, f"tenant {tenant_name!r} does not exist; create it with "
                                 f"`toneguard keys create --tenant {tenant_name}`")
    if done.created and workers is not None:
        workers.wake()
    response.status_code = 202
    return WebhookResult(
        status="accepted" if done.created else "duplicate", job_id=done.job_id,
        job_status=done.status, message_id=parsed.message_id, client_id=parsed.client_id,
    )


@router.post("/chatwoot", response_model=WebhookResult, status_code=202,
             responses={200: {"model": WebhookResult, "description": "Ignored: nothing to "
                              "classify."}, **errors(401, 404, 413, 422)})
async def chatwoot_webhook(
    request: Request,
    response: Response,
    services: ServicesDep,
    tenant: TenantName = DEFAULT_TENANT,
    token: UrlToken = None,
    signature: Annotated[str | None, Header(alias=chatwoot.SIGNATURE_HEADER)] = None,
    timestamp: Annotated[str | None, Header(alias=chatwoot.TIMESTAMP_HEADER)] = None,
) -> WebhookResult:
    """Chatwoot `message_created`: incoming, non-private messages are accepted (202) and
    classified and counted by a job worker."""
    raw = await request.body()
    how = _authenticate(services, tenant, "chatwoot", token,
                        lambda secrets: chatwoot.verify(raw, signature, timestamp, secrets))
    logger.debug("chatwoot delivery for tenant %s authenticated by %s", tenant, how)
    return await _deliver(services, request, response, tenant, _parse("chatwoot", raw), raw,
                          "chatwoot")


@router.post("/zammad", response_model=WebhookResult, status_code=202,
             responses={200: {"model": WebhookResult, "description": "Ignored: nothing to "
                              "classify."}, **errors(401, 404, 413, 422)})
async def zammad_webhook(
    request: Request,
    response: Response,
    services: ServicesDep,
    tenant: TenantName = DEFAULT_TENANT,
    token: UrlToken = None,
    signature: Annotated[str | None, Header(alias=zammad.SIGNATURE_HEADER)] = None,
) -> WebhookResult:
    """Zammad trigger: the customer's non-internal article is accepted (202) and classified
    and counted by a job worker."""
    raw = await request.body()
    how = _authenticate(services, tenant, "zammad", token,
                        lambda secrets: zammad.verify(raw, signature, secrets))
    logger.debug("zammad delivery for tenant %s authenticated by %s", tenant, how)
    return await _deliver(services, request, response, tenant, _parse("zammad", raw), raw,
                          "zammad")
