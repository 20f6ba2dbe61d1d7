"""Responses of the jobs endpoints (dead letters and their retry)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class JobOut(BaseModel):
    id: int
    kind: str = Field(description="webhook, writeback.chatwoot, writeback.zammad, alert, ...")
    key: str = Field(description="The event's idempotency key; one job per key.")
    status: str = Field(description="queued, running, done or dead.")
    attempts: int
    max_attempts: int
    done_steps: list[str] = Field(description="Outgoing calls already made; not repeated.")
    last_error: str | None
    details: dict[str, Any] = Field(
        description="What the job acts on (long texts left out) and, once done, its result.")
    created_at: datetime
    updated_at: datetime
    run_at: datetime = Field(description="When a queued job is due next.")


class JobPage(BaseModel):
    items: list[JobOut]
    total: int
    limit: int
    offset: int
