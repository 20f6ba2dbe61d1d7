"""POST /v1/replies/suggest: de-escalating replies for a text or a stored message.

A stored message brings its (possibly agent-corrected) labels, language and its
client's current risk level; a bare text is classified on the spot, stores nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.concurrency import run_in_threadpool

from classifier.hours import BusinessHours, effective_hours
from service.api import convert
from service.api.deps import ServicesDep, TenantDep
from service.api.limits import check_text_size
from service.api.schemas.common import errors
from service.api.schemas.replies import SuggestRequest, SuggestResponse
from service.clock import tenant_zone
from service.context import Services, TenantContext
from service.reads import find_client, message_detail
from service.views import client_tally

router = APIRouter(prefix="/v1", tags=["replies"])


def read_sent_at(
    sent_at: datetime | None, hours: dict[str, Any]
) -> tuple[datetime | None, str | None]:
    """The send time made aware, and whose clock it was read on.

    A time without an offset is read in the tenant's zone (its business hours' zone),
    the zone its agents think in; UTC when the tenant names none.
    """
    if sent_at is None:
        return None, None
    if sent_at.tzinfo is not None:
        return sent_at, "sender offset"
    zone_name = hours.get("timezone")
    zone = tenant_zone(zone_name)
    basis = f"tenant zone {zone_name}" if zone is not UTC else "UTC"
    return sent_at.replace(tzinfo=zone), basis


async def _situation(
    body: SuggestRequest, tenant: TenantContext, services: Services, hours: dict[str, Any],
    sent_at: datetime | None,
) -> tuple[str, list[str], str | None, str]:
    """(text, labels, language, risk level) of the message to answer."""
    half_life = services.settings.risk_half_life_days
    if body.message_id is not None:
        message_id = body.message_id

        def load() -> Any:
            with services.db.session() as s:
                return message_detail(s, tenant.id, message_id, half_life)

        found = await run_in_threadpool(load)
        if found is None:
            raise HTTPException(404, f"no message {body.message_id!r}")
        stored, tally = found
        return stored.text, list(stored.labels), stored.lang, tally.risk_level

    assert body.text is not None
    check_text_size([body.text], services.settings.max_text_chars)
    risk = "ok"
    if body.client_id is not None:
        client_id = body.client_id

        def level() -> str | None:
            with services.db.session() as s:
                client = find_client(s, tenant.id, client_id)
                if client is None:
                    return None
                return client_tally(s, client.id, client_id, half_life).risk_level

        found_level = await run_in_threadpool(level)
        if found_level is None:
            raise HTTPException(404, f"no client {body.client_id!r}")
        risk = found_level
    [pred] = await services.engine.classify([body.text], [sent_at], BusinessHours.from_dict(hours))
    return body.text, list(pred.labels), pred.lang, risk


@router.post("/replies/suggest", response_model=SuggestResponse,
             responses=errors(401, 404, 413, 422, 503))
async def suggest(body: SuggestRequest, tenant: TenantDep,
                  services: ServicesDep) -> SuggestResponse:
    """Up to `k` replies in the message's language, variables filled, one per step.

    Only replies that fit the message's flags, its client's risk and its topic come back:
    none, or a neutral acknowledgement, for a message with no flag.
    """
    suggester = services.suggester
    if suggester is None:
        raise HTTPException(503, "reply suggestions are turned off (TONEGUARD_REPLIES_MODE)")
    override = body.business_hours.as_json() if body.business_hours else None
    hours = effective_hours(services.settings.business_hours, tenant.business_hours, override)
    sent_at, read_in = read_sent_at(body.sent_at, hours)
    text, labels, lang, risk = await _situation(body, tenant, services, hours, sent_at)
    variables = {
        name: value
        for name, value in (("client_name", body.client_name), ("agent_name", body.agent_name),
                            ("company", body.company))
        if value
    }
    replies = await run_in_threadpool(
        lambda: suggester.suggest(text, labels, body.lang or lang, risk, variables,
                                  k=body.k, hours=hours)
    )
    return SuggestResponse.model_validate({
        "message_id": body.message_id,
        "lang": replies[0].lang if replies else suggester.resolve_lang(text, body.lang or lang),
        "labels": labels,
        "risk_level": risk,
        "mode": suggester.mode,
        "sent_at": sent_at,
        "sent_at_read_in": read_in,
        "replies": convert.reply_out(replies),
    })
