"""GET /v1/tenant and the business-hours calls: the calling tenant's own settings."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class TenantOut(BaseModel):
    name: str
    business_hours: dict[str, Any]
    business_hours_is_default: bool
