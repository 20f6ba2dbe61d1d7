"""POST /v1/classify: label messages without storing anything."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from classifier.hours import BusinessHours, effective_hours
from service.api import convert
from service.api.deps import ServicesDep, TenantDep
from service.api.limits import check_text_size
from service.api.schemas.classify import ClassifyRequest, ClassifyResponse, ClassifyResult
from service.api.schemas.common import ModelInfo, errors
from service.sensitivity import tenant_decision

router = APIRouter(prefix="/v1", tags=["classify"])
ERRORS = errors(401, 413, 422)


@router.post("/classify", response_model=ClassifyResponse, responses=ERRORS)
async def classify(
    body: ClassifyRequest, tenant: TenantDep, services: ServicesDep
) -> ClassifyResponse:
    """Labels, scores and spans for 1 to 64 messages. Nothing is stored."""
    if len(body.messages) > services.settings.max_batch:
        raise HTTPException(422, f"at most {services.settings.max_batch} messages per request")
    check_text_size([m.text for m in body.messages], services.settings.max_text_chars)
    override = body.business_hours.as_json() if body.business_hours else None
    hours = effective_hours(services.settings.business_hours, tenant.business_hours, override)
    cut, _ = tenant_decision(services.engine.model_thresholds, tenant.sensitivity)
    preds = await services.engine.classify(
        [m.text for m in body.messages], [m.sent_at for m in body.messages],
        BusinessHours.from_dict(hours), thresholds=cut,
    )
    for p in preds:
        services.metrics.count_labels(p.labels, "classify")
    return ClassifyResponse(
        model=ModelInfo(name=services.engine.model_name, version=services.engine.model_version),
        results=[ClassifyResult(**convert.classification(p).model_dump()) for p in preds],
    )
