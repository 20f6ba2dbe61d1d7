"""The answer to a helpdesk webhook delivery (the deliveries themselves are the helpdesks')."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class WebhookResult(BaseModel):
    status: Literal["ingested", "duplicate", "ignored"]
    reason: str | None = Field(default=None, description="Why a delivery was ignored.")
    message_id: str | None = None
    client_id: str | None = None
    labels: list[str] = Field(default_factory=list)
    risk_level: str | None = None
    truncated: bool = Field(
        default=False,
        description="The client's own text (quotes and signatures removed) was longer than "
        "max_text_chars: only its first part was classified; the rest is stored and listed "
        "in the message's ignored_ranges.")
    stored_trimmed: bool = Field(
        default=False,
        description="The text was longer than webhook_max_stored_chars: it was stored "
        "trimmed, with a note at its end saying how much arrived.")
    received_chars: int | None = Field(
        default=None, description="Characters of text the delivery carried.")
