"""POST /v1/replies/suggest."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, model_validator

from service.api.schemas.common import (
    MAX_SENT_AT,
    MIN_SENT_AT,
    BusinessHoursIn,
    Identifier,
    Label,
    MessageText,
    ReplyOut,
    RiskLevel,
    ShortText,
    Strict,
)

Name = Annotated[ShortText, Field(max_length=200)]
LangCode = Annotated[str, Field(pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$", max_length=35)]


def _in_range(value: datetime) -> datetime:
    """Range check only: a naive time is read in the tenant's zone by the route."""
    probe = value if value.tzinfo else value.replace(tzinfo=MIN_SENT_AT.tzinfo)
    if not MIN_SENT_AT <= probe < MAX_SENT_AT:
        raise ValueError("must be between 1970-01-01 and 2100-01-01")
    return value


SuggestSentAt = Annotated[datetime, AfterValidator(_in_range)]


class SuggestRequest(Strict):
    text: MessageText | None = Field(None, description="A message to answer (not stored).")
    message_id: Identifier | None = Field(None, description="A stored message to answer.")
    client_id: Identifier | None = Field(
        None, description="With `text`: use this known client's risk level."
    )
    sent_at: SuggestSentAt | None = Field(
        None, description="With `text`: when it was sent (ISO 8601). Judges off-hours "
        "pressure on the sender's clock; without an offset it is read in the tenant's zone.",
        examples=["2026-11-28T23:40:00+03:00"],
    )
    k: int = Field(3, ge=1, le=10, description="At most this many replies, each for another step.")
    client_name: Name | None = Field(None, description="Fills {client_name} in the greeting.")
    agent_name: Name | None = None
    company: Name | None = None
    lang: LangCode | None = Field(None, description="Reply language; default: the message's.")
    business_hours: BusinessHoursIn | None = Field(
        None, description="Overrides the tenant's business hours quoted in replies."
    )

    @model_validator(mode="after")
    def _one_source(self) -> SuggestRequest:
        if (self.text is None) == (self.message_id is None):
            raise ValueError("give exactly one of `text` and `message_id`")
        if self.client_id is not None and self.message_id is not None:
            raise ValueError("`client_id` goes with `text`; a stored message knows its client")
        if self.sent_at is not None and self.message_id is not None:
            raise ValueError("`sent_at` goes with `text`; a stored message keeps its own time")
        return self


class SuggestResponse(BaseModel):
    message_id: str | None
    lang: str = Field(description="The language the replies are written in.")
    labels: list[Label] = Field(description="The message's flags that steered the choice.")
    risk_level: RiskLevel
    mode: str = Field(description="`semantic` (labels, risk and meaning) or `rules`.")
    sent_at: datetime | None = Field(
        None, description="The send time as read (with the offset it was read in)."
    )
    sent_at_read_in: str | None = Field(
        None, description="`sender offset`, or `tenant zone <name>` for a time given without "
        "an offset (`UTC` when the tenant names no zone).",
    )
    replies: list[ReplyOut] = Field(
        description="Empty when no template fits the message's labels, risk and topic."
    )
