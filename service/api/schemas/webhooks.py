"""The answer to a helpdesk webhook delivery (the deliveries themselves are the helpdesks')."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class WebhookResult(BaseModel):
    status: Literal["accepted", "duplicate", "ignored"] = Field(
        description="accepted (202): stored as a job, classified by a worker shortly; "
        "duplicate (202): this very delivery was accepted before (same job); ignored (200): "
        "nothing to classify.")
    reason: str | None = Field(default=None, description="Why a delivery was ignored.")
    job_id: int | None = Field(
        default=None, description="The job that classifies the delivery: GET /v1/jobs/{id} "
        "shows its status and, once done, its result (labels, risk level, truncation).")
    job_status: str | None = Field(
        default=None, description="The job's status now: queued, running, done or dead.")
    message_id: str | None = Field(
        default=None, description="The message's id: GET /v1/messages/{id} once classified.")
    client_id: str | None = None
