"""Liveness, readiness and Prometheus metrics: no API key needed."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST

from service.context import Services

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="Model loaded and database reachable",
            responses={503: {"description": "Not ready"}})
async def readyz(request: Request) -> JSONResponse:
    services: Services | None = getattr(request.app.state, "services", None)
    if services is None:
        return JSONResponse({"status": "not_ready", "detail": "starting"}, status_code=503)
    model = services.engine is not None
    db = await run_in_threadpool(services.db.ping)
    body = {
        "status": "ready" if model and db else "not_ready",
        "model": {"loaded": model, "name": services.engine.model_name,
                  "version": services.engine.model_version},
        "database": {"reachable": db, "dialect": services.db.dialect},
    }
    return JSONResponse(body, status_code=200 if model and db else 503)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def metrics(request: Request) -> Response:
    services = getattr(request.app.state, "services", None)
    data = services.metrics.render() if services else b""
    return Response(data, media_type=CONTENT_TYPE_LATEST)
