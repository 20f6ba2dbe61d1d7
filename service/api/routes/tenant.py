"""The calling tenant's own settings: business hours and sensitivity."""

from __future__ import annotations

from fastapi import APIRouter

from service.api.deps import ServicesDep, SessionDep, TenantDep
from service.api.schemas.common import BusinessHoursIn, errors
from service.api.schemas.sensitivity import SensitivityIn, SensitivityOut
from service.api.schemas.tenant import TenantOut
from service.context import Services
from service.sensitivity import (
    Sensitivity,
    effective_thresholds,
    preset_thresholds,
)
from service.tenants import set_business_hours, set_sensitivity, tenant_sensitivity

router = APIRouter(prefix="/v1/tenant", tags=["tenant"])


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


def _sensitivity_out(services: Services, sens: Sensitivity) -> SensitivityOut:
    model = services.engine.model_thresholds
    return SensitivityOut(
        preset=sens.preset,  # type: ignore[arg-type]
        custom=dict(sens.overrides or {}),
        thresholds=effective_thresholds(model, sens, list(model)),
        model_thresholds=model,
        presets=preset_thresholds(model, list(model)),
        is_default=sens.is_default,
        applies_to="new_messages",
    )


@router.get("/sensitivity", response_model=SensitivityOut, responses=errors(401))
def get_sensitivity(
    tenant: TenantDep, services: ServicesDep, session: SessionDep
) -> SensitivityOut:
    """The thresholds that flag this tenant's new messages, and where they come from."""
    return _sensitivity_out(services, Sensitivity.from_json(tenant_sensitivity(session,
                                                                               tenant.id)))


@router.put("/sensitivity", response_model=SensitivityOut, responses=errors(401, 422))
def put_sensitivity(
    body: SensitivityIn, tenant: TenantDep, services: ServicesDep, session: SessionDep
) -> SensitivityOut:
    """Set a preset and/or per-label thresholds. Applies to messages classified from now
    on; labels, tallies and risk of stored messages stay as they were decided."""
    pinned = {str(label): t for label, t in body.thresholds.items()}
    sens = Sensitivity(preset=body.preset, overrides=pinned or None)
    set_sensitivity(session, tenant.id, sens.to_json())
    _forget(services, tenant.id)
    return _sensitivity_out(services, sens)


@router.delete("/sensitivity", response_model=SensitivityOut, responses=errors(401))
def reset_sensitivity(
    tenant: TenantDep, services: ServicesDep, session: SessionDep
) -> SensitivityOut:
    """Back to the model's own thresholds (preset normal) for new messages."""
    set_sensitivity(session, tenant.id, None)
    _forget(services, tenant.id)
    return _sensitivity_out(services, Sensitivity())
