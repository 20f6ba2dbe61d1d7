"""One JSON error shape for every failure: {"error": "...", "detail": ...}.

Text over the size limit is reported as 413 even when pydantic found it, so clients
can tell "too big" from "malformed". A database that cannot be reached (restarting,
network gone, pool exhausted) is a 503 with Retry-After, never a 500: the client retries
and ingest's idempotency makes the retry safe; the pool's pre-ping reconnects by itself.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.inference import Overloaded
from service.ingest import InvalidMessage, MessageConflict, TextTooLong

logger = logging.getLogger(__name__)

_NAMES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
    415: "unsupported_media_type", 422: "invalid_request", 429: "rate_limited",
    503: "unavailable",
}

_FASTAPI_BODY_ERROR = "There was an error parsing the body"
DB_RETRY_AFTER_S = 2


def error_response(
    status: int, detail: Any, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {"error": _NAMES.get(status, "error"), "detail": jsonable_encoder(detail)}
    return JSONResponse(body, status_code=status, headers=headers)


def _clean_errors(errors: Any) -> list[dict[str, Any]]:
    """Validation errors without echoing the (possibly huge) input back."""
    out = []
    for e in errors:
        item = {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        out.append(item)
    return out


def install(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == _FASTAPI_BODY_ERROR:
            # Undecodable bytes (not UTF-8, too deeply nested): as malformed as bad JSON.
            return error_response(422, "request body is not valid UTF-8 JSON")
        return error_response(exc.status_code, exc.detail, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, _clean_errors(exc.errors()))

    @app.exception_handler(MessageConflict)
    async def _conflict(_: Request, exc: MessageConflict) -> JSONResponse:
        return error_response(409, str(exc))

    @app.exception_handler(InvalidMessage)
    async def _invalid(_: Request, exc: InvalidMessage) -> JSONResponse:
        return error_response(422, str(exc))

    @app.exception_handler(TextTooLong)
    async def _too_long(_: Request, exc: TextTooLong) -> JSONResponse:
        return error_response(413, str(exc))

    @app.exception_handler(Overloaded)
    async def _overloaded(_: Request, exc: Overloaded) -> JSONResponse:
        return error_response(503, str(exc), {"Retry-After": str(exc.retry_after)})

    async def _db_unavailable(request: Request, exc: Exception) -> JSONResponse:
        logger.warning("database unavailable on %s %s: %s", request.method, request.url.path,
                       str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        return error_response(503, "the database is unavailable; retry shortly",
                              {"Retry-After": str(DB_RETRY_AFTER_S)})

    for unreachable in (OperationalError, InterfaceError, PoolTimeout):
        app.add_exception_handler(unreachable, _db_unavailable)

    @app.exception_handler(DBAPIError)
    async def _db_error(request: Request, exc: DBAPIError) -> JSONResponse:
        if exc.connection_invalidated:  # the connection died under the statement
            return await _db_unavailable(request, exc)
        return await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(
            {"error": "internal_error", "detail": "unexpected server error; see the service log"},
            status_code=500,
        )
