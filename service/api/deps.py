"""Dependencies shared by the routes, as `Annotated` aliases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

import anyio.to_thread
from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader
from sqlalchemy.orm import Session

from service.config import Settings
from service.context import Services, TenantContext
from service.tenants import cached_tenant_for_key, hash_key, tenant_for_key

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="Tenant API key.")


async def get_services(request: Request) -> Services:
    """Async on purpose: FastAPI runs a plain `def` dependency in a worker thread, a hop
    that cost every request ~0.1 ms of CPU for one attribute read."""
    services: Services | None = getattr(request.app.state, "services", None)
    if services is None:
        raise HTTPException(503, "service is starting")
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_settings(services: ServicesDep) -> Settings:
    return services.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_session(services: ServicesDep) -> Iterator[Session]:
    with services.db.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


async def get_tenant(
    request: Request, services: ServicesDep, key: Annotated[str | None, Security(api_key_header)]
) -> TenantContext:
    """Async so that a key already in the worker's cache costs no thread hop; a miss reads
    the database in a worker thread."""
    if not key:
        raise HTTPException(401, "missing X-API-Key header", headers={"WWW-Authenticate": "ApiKey"})
    tenant = services.keys.get(hash_key(key)) if services.keys is not None else None
    if tenant is None:
        tenant = await anyio.to_thread.run_sync(_tenant_from_database, services, key)
    if tenant is None:
        raise HTTPException(401, "invalid API key", headers={"WWW-Authenticate": "ApiKey"})
    request.state.tenant = tenant  # for logging and the rate limiter
    return tenant


def _tenant_from_database(services: Services, key: str) -> TenantContext | None:
    if services.keys is not None:
        return cached_tenant_for_key(services.keys, services.db, key)
    with services.db.session() as session:
        return tenant_for_key(session, key)


TenantDep = Annotated[TenantContext, Depends(get_tenant)]
