"""POST /v1/replies/suggest: de-escalating replies for a text or a stored message.

A stored message brings its (possibly agent-corrected) labels, language and its
client's current risk level; a bare text is classified on the spot, stores nothing.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, model_validator

from service.api.deps import ServicesDep, TenantDep
from service.api.routes.classify import check_text_size
from service.api.schemas.common import (
    BusinessHoursIn,
    Identifier,
    Label,
    MessageText,
    ReplyOut,
    RiskLevel,
    ShortText,
    Strict,
    errors,
)
from service.context import Services, TenantContext
from service.hours import effective_hours, to_classifier_hours
from service.reads import find_client, message_detail
from service.views import client_tally

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/v1", tags=["replies"])

Name = Annotated[ShortText, Field(max_length=200)]
LangCode = Annotated[str, Field(pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$", max_length=35)]


class SuggestRequest(Strict):
    text: MessageText | None = Field(None, description="A message to answer (not stored).")
    message_id: Identifier | None = Field(None, description="A stored message to answer.")
    client_id: Identifier | None = Field(
        None, description="With `text`: use this known client's risk level."
    )
    k: int = Field(3, ge=1, le=10, description="How many replies, each for a different step.")
    client_name: Name | None = None
    agent_name: Name | None = None
    company: Name | None = None
    lang: LangCode | None = Field(None, description="Reply language; default: the message's.")
    business_hours: BusinessHoursIn | None = Field(
        None, description="Overrides the tenant's business hours quoted in replies."
    )

    @model_validator(mode="after")
    def _one_source(self) -> SuggestRequest:
        if (self.text is None) == (self.message_id is None):
            raise ValueError("give exactly one of `text` and `message_id`")
        if self.client_id is not None and self.message_id is not None:
            raise ValueError("`client_id` goes with `text`; a stored message knows its client")
        return self


class SuggestResponse(BaseModel):
    message_id: str | None
    lang: str = Field(description="The language the replies are written in.")
    labels: list[Label] = Field(description="The message's flags that steered the choice.")
    risk_level: RiskLevel
    mode: str = Field(description="`semantic` (labels, risk and meaning) or `rules`.")
    replies: list[ReplyOut]


async def _situation(
    body: SuggestRequest, tenant: TenantContext, services: Services, hours: dict[str, Any]
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
    [pred] = await services.engine.classify([body.text], [None], to_classifier_hours(hours))
    return body.text, list(pred.labels), pred.lang, risk


@router.post("/replies/suggest", response_model=SuggestResponse,
             responses=errors(401, 404, 413, 422, 503))
async def suggest(body: SuggestRequest, tenant: TenantDep,
                  services: ServicesDep) -> SuggestResponse:
    """The top `k` replies in the message's language, variables filled, one per step."""
    suggester = services.suggester
    if suggester is None:
        raise HTTPException(503, "reply suggestions are turned off (TONEGUARD_REPLIES_MODE)")
    override = body.business_hours.as_json() if body.business_hours else None
    hours = effective_hours(services.settings.business_hours, tenant.business_hours, override)
    text, labels, lang, risk = await _situation(body, tenant, services, hours)
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
        "replies": [ReplyOut(id=r.id, step=r.step, lang=r.lang, text=r.text, score=r.score,
                             labels=list(r.labels)) for r in replies],
    })
