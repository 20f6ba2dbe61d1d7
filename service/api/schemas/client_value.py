"""Client value (PUT/GET/DELETE /v1/clients/{id}/value, POST /v1/clients/values.csv) and
the weekly trend (GET /v1/clients/{id}/trend)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from service.api.schemas.common import RiskLevel, ShortText, Strict

Period = Literal["month", "year"]


class ClientValueIn(Strict):
    revenue: float | None = Field(None, ge=0, le=1e12, description="Revenue per period.")
    currency: str | None = Field(None, min_length=3, max_length=3, pattern="^[A-Za-z]{3}$",
                                 examples=["EUR"])
    period: Period = "month"
    plan: ShortText | None = Field(None, max_length=100, examples=["Business"])

    @field_validator("plan")
    @classmethod
    def _plan(cls, v: str | None) -> str | None:
        return v.strip() or None if v is not None else None

    @model_validator(mode="after")
    def _something(self) -> ClientValueIn:
        if self.revenue is None and self.plan is None:
            raise ValueError("give revenue and/or plan")
        return self


class ClientValueOut(BaseModel):
    revenue: float | None
    currency: str | None
    period: Period
    plan: str | None
    updated_at: dt.datetime


class CostOut(BaseModel):
    days: int = Field(description="The window the figures cover.")
    messages: int
    flagged: int
    flagged_share: float
    off_hours: int
    off_hours_share: float
    corrections: int = Field(description="Agents' corrections of this client's messages.")
    messages_all_time: int


class PartingOut(BaseModel):
    offered: bool = Field(description="Whether parting-ways replies are suggested.")
    risk_level: RiskLevel
    text: str


class ClientWorth(BaseModel):
    client_id: str
    value: ClientValueOut | None
    cost: CostOut
    parting: PartingOut


class BadRowOut(BaseModel):
    line: int
    client_id: str | None
    reason: str


class ImportOut(BaseModel):
    rows: int
    applied: int
    bad: int
    bad_rows: list[BadRowOut] = Field(description="The first 200 bad rows, by line.")


class TrendWeek(BaseModel):
    week_start: dt.date = Field(description="Monday of the week, on the tenant's clock.")
    messages: int
    flagged: int
    counts: dict[str, int]


class ClientTrend(BaseModel):
    client_id: str
    timezone: str
    weeks: list[TrendWeek]
