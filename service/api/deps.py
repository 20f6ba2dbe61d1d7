"""Dependencies shared by the routes, as `Annotated` aliases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader
from sqlalchemy.orm import Session

from service.config import Settings
from service.context import Services, TenantContext
from service.tenants import cached_tenant_for_key, tenant_for_key

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="Tenant API key.")


def get_services(request: Request) -> Services:
    services: Services | None = getattr(request.app.state, "services", None)
    if services is None:
        raise HTTPException(503, "service is starting")
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_settings(services: ServicesDep) -> Settings:
    return services.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_session(services: ServicesDep) -> Iterator[Session]:
    with services.db.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_tenant(
    request: Request, services: ServicesDep, key: Annotated[str | None, Security(api_key_header)]
) -> TenantContext:
    if not key:
        raise HTTPException(401, "missing X-API-Key header", headers={"WWW-Authenticate": "ApiKey"})
    if services.keys is not None:
        tenant = cached_tenant_for_key(services.keys, services.db, key)
    else:
        with services.db.session() as session:
            tenant = tenant_for_key(session, key)
    if tenant is None:
        raise HTTPException(401, "invalid API key", headers={"WWW-Authenticate": "ApiKey"})
    request.state.tenant = tenant  # for logging and the rate limiter
    return tenant


TenantDep = Annotated[TenantContext, Depends(get_tenant)]
