"""POST /v1/classify."""

from __future__ import annotations

from pydantic import BaseModel, Field

from service.api.schemas.common import (
    BusinessHoursIn,
    Channel,
    Classification,
    MessageText,
    ModelInfo,
    SentAt,
    Strict,
)

MAX_BATCH = 64


class ClassifyItem(Strict):
    text: MessageText
    sent_at: SentAt | None = None
    channel: Channel | None = None


class ClassifyRequest(Strict):
    messages: list[ClassifyItem] = Field(min_length=1, max_length=MAX_BATCH)
    business_hours: BusinessHoursIn | None = Field(
        None, description="Overrides the tenant's business hours for this request."
    )


class ClassifyResult(Classification):
    pass


class ClassifyResponse(BaseModel):
    model: ModelInfo
    results: list[ClassifyResult]
