"""The hook that lets ``POST /v1/messages`` take a raw email (``Content-Type: message/rfc822``).

FastAPI validates a route's JSON body before the endpoint runs, so a content-type switch
inside the endpoint would come too late. Instead the messages router uses this route
class: for a ``message/rfc822`` POST it authenticates like every /v1 call, parses the
mail (service.integrations.rfc822), builds the same ``IngestRequest`` a JSON client
would send and calls the very same endpoint, so both inputs share one code path
(size checks, ingest, replies, response shape). Every other request is untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import ValidationError

from service.integrations import PayloadError
from service.integrations.rfc822 import parse_rfc822, sender_name

RFC822 = "message/rfc822"
# Merged into the operation's OpenAPI entry so /docs shows the second body type.
RFC822_OPENAPI: dict[str, Any] = {
    "requestBody": {
        "content": {
            RFC822: {
                "schema": {"type": "string", "format": "binary"},
                "example": "From: Ann <ann@example.com>\r\nDate: Tue, 24 Nov 2026 10:00:00"
                " +0000\r\nMessage-ID: <1@example.com>\r\nSubject: Order\r\n\r\nWhere is it?",
            }
        }
    }
}


def is_rfc822(content_type: str | None) -> bool:
    return (content_type or "").split(";", 1)[0].strip().lower() == RFC822


def _replies_param(request: Request) -> int:
    raw = request.query_params.get("replies", "3")
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if not 0 <= value <= 10:
        raise HTTPException(422, {"field": "replies", "message": "must be an integer 0..10"})
    return value


async def ingest_raw_email(request: Request, endpoint: Callable[..., Any]) -> Response:
    """Authenticate, parse the mail, and hand it to the JSON ingest endpoint."""
    from service.api.deps import get_services, get_tenant
    from service.api.schemas.messages import IngestRequest, ReplyVariables

    services = await get_services(request)
    tenant = await get_tenant(request, services, request.headers.get("x-api-key"))
    replies = _replies_param(request)
    raw = await request.body()
    try:
        msg = parse_rfc822(raw)
    except PayloadError as exc:
        raise HTTPException(422, {"field": exc.field, "message": exc.problem}) from exc
    assert msg.sent_at is not None  # parse_rfc822 requires Date
    try:
        body = IngestRequest(
            message_id=msg.message_id, client_id=msg.client_id, text=msg.text,
            sent_at=msg.sent_at, channel=msg.channel, subject=msg.subject, replies=replies,
            reply_variables=ReplyVariables.model_validate(
                {"client_name": (sender_name(raw) or "")[:200] or None}),
        )
    except ValidationError as exc:
        detail = [{"field": ".".join(map(str, e["loc"])), "message": e["msg"]}
                  for e in exc.errors()]
        raise HTTPException(422, detail) from exc
    result = await endpoint(body=body, tenant=tenant, services=services)
    return JSONResponse(jsonable_encoder(result))


class RawEmailAwareRoute(APIRoute):
    """APIRoute that sends ``message/rfc822`` POSTs to :func:`ingest_raw_email`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if "POST" not in (self.methods or set()) or not self.path.endswith("/messages"):
            return handler
        endpoint = self.endpoint

        async def dispatch(request: Request) -> Response:
            if is_rfc822(request.headers.get("content-type")):
                return await ingest_raw_email(request, endpoint)
            return await handler(request)

        return dispatch
