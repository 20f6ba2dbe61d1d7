"""The calling tenant's own settings: business hours."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from service.api.deps import ServicesDep, SessionDep, TenantDep
from service.api.schemas.common import BusinessHoursIn, errors
from service.context import Services
from service.tenants import set_business_hours

router = APIRouter(prefix="/v1/tenant", tags=["tenant"])


class TenantOut(BaseModel):
    name: str
    business_hours: dict[str, Any]
    business_hours_is_default: bool


def _forget(services: Services, tenant_id: int) -> None:
    """This worker's cached keys of the tenant carry the old hours: drop them."""
    if services.keys is not None:
        services.keys.forget_tenant(tenant_id)


@router.get("", response_model=TenantOut, responses=errors(401))
def get_tenant_settings(tenant: TenantDep, services: ServicesDep) -> TenantOut:
    return TenantOut(
        name=tenant.name,
        business_hours=tenant.business_hours or services.settings.business_hours,
        business_hours_is_default=tenant.business_hours is None,
    )


@router.put("/business-hours", response_model=TenantOut,
            responses=errors(401, 422))
def put_business_hours(
    body: BusinessHoursIn, tenant: TenantDep, services: ServicesDep, session: SessionDep
) -> TenantOut:
    """Set the time zone, weekly schedule and holidays used for `off_hours_pressure`."""
    hours = body.as_json()
    set_business_hours(session, tenant.id, hours)
    _forget(services, tenant.id)
    return TenantOut(name=tenant.name, business_hours=hours, business_hours_is_default=False)


@router.delete("/business-hours", response_model=TenantOut, responses=errors(401))
def reset_business_hours(
    tenant: TenantDep, services: ServicesDep, session: SessionDep
) -> TenantOut:
    set_business_hours(session, tenant.id, None)
    _forget(services, tenant.id)
    return TenantOut(name=tenant.name, business_hours=services.settings.business_hours,
                     business_hours_is_default=True)
