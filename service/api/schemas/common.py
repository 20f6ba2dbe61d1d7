"""Field types and pieces shared by several endpoints."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

# Timestamps outside this range are almost certainly bugs in the caller (and break
# time-zone arithmetic near year 9999), so they are refused with a clear 422.
MIN_SENT_AT = datetime(1970, 1, 1, tzinfo=UTC)
MAX_SENT_AT = datetime(2100, 1, 1, tzinfo=UTC)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
RiskLevel = Literal["ok", "watch", "difficult", "consider_parting"]
Label = Literal["aggression", "threat", "unreasonable_demand", "off_hours_pressure"]


def _storable(value: str) -> str:
    """Reject what no database can store: NUL and unpaired surrogates."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("must be valid Unicode (no unpaired surrogates)") from exc
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty or only whitespace")
    return value


def _sent_at(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    if not MIN_SENT_AT <= aware < MAX_SENT_AT:
        raise ValueError("must be between 1970-01-01 and 2100-01-01")
    return aware


# Message text: any length here; the 20,000-character limit is a 413 checked by the route.
MessageText = Annotated[str, AfterValidator(_storable), AfterValidator(_not_blank)]
Identifier = Annotated[
    str, Field(min_length=1, max_length=200), AfterValidator(_storable), AfterValidator(_not_blank)
]
ShortText = Annotated[str, Field(max_length=1000), AfterValidator(_storable)]
Channel = Annotated[str, Field(max_length=64), AfterValidator(_storable)]
SentAt = Annotated[datetime, AfterValidator(_sent_at)]
# A search box's text: part of a client id, matched ignoring case.
ClientQuery = Annotated[
    str, Field(min_length=1, max_length=200, description="Part of the client id, any case."),
    AfterValidator(_storable),
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BusinessHoursIn(Strict):
    """Weekly opening hours in a time zone, minus holidays."""

    timezone: str | None = Field(
        None, max_length=64, examples=["Europe/Berlin"],
        description="IANA zone of the office; null reads each message in its sender's offset.",
    )
    weekly: dict[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                 list[tuple[str, str]]] = Field(
        default_factory=dict, examples=[{"mon": [["09:00", "18:00"]]}]
    )
    holidays: list[date] = Field(default_factory=list, max_length=366)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str | None) -> str | None:
        if v is None:
            return None
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {v!r}") from exc
        return v

    @field_validator("weekly")
    @classmethod
    def _intervals(cls, v: dict[str, list[tuple[str, str]]]) -> dict[str, list[tuple[str, str]]]:
        for day, intervals in v.items():
            if len(intervals) > 8:
                raise ValueError(f"{day}: at most 8 intervals")
            for start, end in intervals:
                if _minutes(start) >= _minutes(end):
                    raise ValueError(f"{day}: {start}-{end} must start before it ends")
        return v

    def as_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def _minutes(hhmm: str) -> int:
    parts = hhmm.split(":")
    if len(parts) != 2 or not all(p.isdigit() and len(p) == 2 for p in parts):
        raise ValueError(f"time {hhmm!r} must be HH:MM")
    h, m = int(parts[0]), int(parts[1])
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m):
        raise ValueError(f"time {hhmm!r} out of range")
    return h * 60 + m


class SpanOut(BaseModel):
    label: str
    start: int
    end: int
    text: str
    score: float


class ModelInfo(BaseModel):
    name: str
    version: str


class Classification(BaseModel):
    labels: list[str]
    scores: dict[str, float]
    spans: list[SpanOut]
    lang: str | None
    outside_business_hours: bool | None
    ignored_ranges: list[tuple[int, int]] = Field(
        default_factory=list, description="Quoted earlier messages, signatures, disclaimers."
    )


class ReplyOut(BaseModel):
    id: str
    step: str = Field(description="The playbook step this reply serves.")
    lang: str
    text: str
    score: float
    labels: list[str] = Field(default_factory=list)


class ReasonOut(BaseModel):
    code: str
    count: int
    days: int
    text: str


class TallyOut(BaseModel):
    client_id: str
    messages_seen: int
    counts: dict[str, int] = Field(description="All-time count of messages per label.")
    risk_score: float
    risk_level: RiskLevel


class ErrorOut(BaseModel):
    error: str
    detail: Any = None


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entry documenting the JSON error shape for `codes`."""
    return {code: {"model": ErrorOut} for code in codes}
