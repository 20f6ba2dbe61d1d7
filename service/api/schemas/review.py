"""GET /v1/review, POST /v1/review/{item_id} and GET /v1/messages/{id}/corrections."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from service.api.schemas.common import ShortText, Strict, TallyOut


class ReviewMessage(BaseModel):
    message_id: str
    client_id: str
    text: str
    subject: str | None
    channel: str | None
    sent_at: datetime | None
    received_at: datetime
    labels: list[str] = Field(description="The message's current labels.")
    scores: dict[str, float]


class ReviewItemOut(BaseModel):
    id: int
    label: str = Field(description="The label in doubt.")
    score: float = Field(description="Its calibrated score.")
    threshold: float = Field(description="The threshold that decided it.")
    flagged: bool = Field(description="Whether the message carries the label now.")
    created_at: datetime
    message: ReviewMessage


class ReviewPage(BaseModel):
    items: list[ReviewItemOut]
    total: int
    limit: int
    offset: int
    band: float = Field(description="Scores this close to a threshold wait for review.")


class ReviewDecisionRequest(Strict):
    decision: Literal["confirm", "reject"] = Field(
        description="confirm: the label applies; reject: it does not.")
    agent: ShortText | None = Field(
        None, max_length=200,
        description="Who decides; defaults to the API key's prefix.")


class ReviewDecisionOut(BaseModel):
    id: int
    label: str
    decision: Literal["confirmed", "rejected"]
    decided_by: str
    decided_at: datetime
    message_id: str
    previous_labels: list[str]
    labels: list[str]
    tally: TallyOut


class CorrectionOut(BaseModel):
    id: int
    agent: str | None
    created_at: datetime
    previous_labels: list[str]
    labels: list[str]
    comment: str | None
    review_label: str | None = Field(description="Set when the correction answered a review.")
    review_decision: Literal["confirmed", "rejected"] | None


class CorrectionList(BaseModel):
    message_id: str
    items: list[CorrectionOut] = Field(description="Newest first.")
