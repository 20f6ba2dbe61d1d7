"""POST/GET /v1/messages."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from service.api.schemas.common import (
    BusinessHoursIn,
    Channel,
    Classification,
    Identifier,
    MessageText,
    ModelInfo,
    ReplyOut,
    RiskLevel,
    SentAt,
    ShortText,
    Strict,
    TallyOut,
)
from service.api.schemas.sensitivity import DecisionOut


class ReplyVariables(Strict):
    client_name: ShortText | None = Field(None, max_length=200)
    agent_name: ShortText | None = Field(None, max_length=200)
    company: ShortText | None = Field(None, max_length=200)


class IngestRequest(Strict):
    message_id: Identifier = Field(description="The helpdesk's id: the idempotency key.")
    client_id: Identifier
    text: MessageText
    sent_at: SentAt
    channel: Channel | None = None
    subject: ShortText | None = None
    business_hours: BusinessHoursIn | None = None
    reply_variables: ReplyVariables | None = None
    replies: int = Field(3, ge=0, le=10, description="How many suggested replies (0 = none).")


class MessageOut(Classification):
    message_id: str
    client_id: str
    text: str
    subject: str | None
    channel: str | None
    sent_at: datetime | None = Field(description="When the sender sent it, in UTC.")
    sent_utc_offset: int | None = Field(
        None, description="The sender's UTC offset in minutes; null when unknown (no sent_at, "
                          "or stored before offsets were kept): read times in the tenant's zone.")
    received_at: datetime
    model_labels: list[str] = Field(description="The model's labels before any correction.")
    corrected: bool
    model: ModelInfo
    thresholds: DecisionOut | None = Field(
        None, description="The tenant sensitivity and thresholds that decided model_labels "
                          "(null for messages stored before sensitivity existed).")


class IngestResponse(BaseModel):
    created: bool = Field(description="False when this message_id was already stored.")
    message: MessageOut
    tally: TallyOut
    replies: list[ReplyOut]


class MessageSummary(BaseModel):
    message_id: str
    client_id: str
    channel: str | None
    subject: str | None
    preview: str
    sent_at: datetime | None
    sent_utc_offset: int | None = None
    received_at: datetime
    labels: list[str]
    lang: str | None
    outside_business_hours: bool | None
    client_risk_level: RiskLevel


class MessagePage(BaseModel):
    items: list[MessageSummary]
    total: int
    limit: int
    offset: int


class CorrectionOut(BaseModel):
    agent: str | None = Field(description="Who corrected it, as they gave their name.")
    at: datetime
    labels: list[str]


class MessageDetail(MessageOut):
    client: TallyOut
    correction: CorrectionOut | None = Field(None, description="The latest agent correction.")
