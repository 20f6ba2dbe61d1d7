"""GET/DELETE /v1/clients and POST /v1/feedback."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from service.api.schemas.common import (
    Identifier,
    Label,
    ReasonOut,
    RiskLevel,
    ShortText,
    SpanOut,
    Strict,
    TallyOut,
)


class Evidence(BaseModel):
    message_id: str
    sent_at: dt.datetime | None
    sent_utc_offset: int | None = None
    received_at: dt.datetime
    channel: str | None
    labels: list[str]
    text: str
    spans: list[SpanOut] = Field(description="Only in the client's own words: never inside "
                                             "ignored_ranges (quotes, signatures).")
    ignored_ranges: list[tuple[int, int]] = Field(default_factory=list)
    outside_business_hours: bool | None


class LastMessage(BaseModel):
    """When the client's latest message was sent (on their clock), or arrived."""

    message_id: str
    sent_at: dt.datetime | None
    sent_utc_offset: int | None
    received_at: dt.datetime


class TimelineDay(BaseModel):
    date: dt.date
    flagged: int
    counts: dict[str, int]


class ClientDetail(TallyOut):
    counts_7d: dict[str, int]
    counts_30d: dict[str, int]
    first_seen: dt.datetime
    last_seen: dt.datetime
    reasons: list[ReasonOut]
    evidence: list[Evidence] = Field(description="Flagged messages, newest first.")
    timeline: list[TimelineDay] = Field(
        description="Flagged messages per day, last 30 days, each on its sender's calendar "
                    "(the tenant's zone where the sender's offset is unknown).")
    last_message: LastMessage | None = None


class ClientSummary(BaseModel):
    client_id: str
    messages_seen: int
    counts: dict[str, int]
    risk_score: float
    risk_level: RiskLevel
    last_seen: dt.datetime = Field(description="When toneguard last received a message.")
    last_message: LastMessage | None = None


class ClientPage(BaseModel):
    items: list[ClientSummary]
    total: int
    limit: int
    offset: int


class ClientDeleted(BaseModel):
    client_id: str
    deleted_messages: int


class FeedbackRequest(Strict):
    message_id: Identifier
    labels: list[Label] = Field(max_length=4, description="The correct labels (may be empty).")
    agent: ShortText | None = Field(None, max_length=200)
    comment: ShortText | None = None


class FeedbackResponse(BaseModel):
    message_id: str
    previous_labels: list[str]
    labels: list[str]
    tally: TallyOut



