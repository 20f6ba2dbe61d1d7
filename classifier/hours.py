"""Business hours: when a message counts as sent "outside hours" for off-hours pressure.

The default matches the corpus guidelines: Monday to Friday 09:00-18:00 read in the time
zone of `sent_at` itself (the sender's own clock), so a 23:40 message is late wherever it
came from. Tenants can set a weekly schedule, a fixed time zone and holidays; the service
stores that as JSON, hence `to_dict` / `from_dict` with the shape
`{"timezone": "Europe/Berlin" | null, "weekly": {"mon": [["09:00", "18:00"]], ...},
"holidays": ["2026-12-24", ...]}`.

This module is the one home of the business-hours rules: the service (tenant settings, reply
phrases) and the corpus builder (training/corpus/holidays.py) build on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Time-zone values meaning "read sent_at in its own offset".
SENDER_ZONE = {"", "sender", "sent_at", "local"}
Interval = tuple[time, time]


def _parse_time(value: str) -> time:
    text = str(value).strip()
    if text in {"24:00", "24:00:00"}:
        return time.max
    try:
        return time.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"bad time of day {value!r}; use HH:MM") from exc


def _day_index(key: int | str) -> int:
    text = str(key).strip().lower()
    if text.isdigit() and int(text) < 7:
        return int(text)
    if text[:3] in DAY_KEYS:
        return DAY_KEYS.index(text[:3])
    raise ValueError(f"unknown weekday {key!r}; use mon..sun or 0-6 (Monday=0)")


def _interval(value: Any) -> Interval:
    if isinstance(value, Mapping):
        start, end = value.get("start"), value.get("end")
    else:
        start, end = value
    a, b = _parse_time(str(start)), _parse_time(str(end))
    if not a < b:
        raise ValueError(f"interval {start}-{end} must end after it starts")
    return a, b


def format_time(t: time) -> str:
    """HH:MM, with the end of the day written as 24:00 (as the stored JSON has it)."""
    return "24:00" if t == time.max else t.strftime("%H:%M")


def _default_weekly() -> dict[int, list[Interval]]:
    return {d: [(time(9), time(18))] for d in range(5)}


@dataclass
class BusinessHours:
    """A weekly schedule plus a time zone (None: the sender's own offset) and holidays."""

    weekly: dict[int, list[Interval]] = field(default_factory=_default_weekly)
    timezone: str | None = None
    holidays: frozenset[date] = frozenset()
    _zone: ZoneInfo | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.timezone is not None and self.timezone.strip().lower() in SENDER_ZONE:
            self.timezone = None
        if self.timezone is not None:
            try:
                self._zone = ZoneInfo(self.timezone)
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise ValueError(f"unknown time zone {self.timezone!r}") from exc
        else:
            self._zone = None
        self.holidays = frozenset(self.holidays)
        self.weekly = {d: sorted(iv) for d, iv in self.weekly.items() if iv}

    def local_time(self, dt: datetime) -> datetime:
        """`dt` on the clock the schedule is read on; naive datetimes are taken as is."""
        if self._zone is not None and dt.tzinfo is not None:
            return dt.astimezone(self._zone)
        return dt

    def is_business_time(self, dt: datetime) -> bool:
        local = self.local_time(dt)
        if local.date() in self.holidays:
            return False
        now = local.time().replace(tzinfo=None)
        return any(a <= now < b for a, b in self.weekly.get(local.weekday(), []))

    def is_outside(self, dt: datetime) -> bool:
        return not self.is_business_time(dt)

    def to_dict(self) -> dict[str, Any]:
        return {
            "timezone": self.timezone,
            "weekly": {
                DAY_KEYS[d]: [[format_time(a), format_time(b)] for a, b in self.weekly.get(d, [])]
                for d in range(7)
            },
            "holidays": sorted(d.isoformat() for d in self.holidays),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> BusinessHours:
        """Build from the stored JSON shape; missing keys fall back to the defaults."""
        if not data:
            return cls()
        unknown = set(data) - {"timezone", "weekly", "holidays"}
        if unknown:
            raise ValueError(f"unknown business-hours keys: {sorted(unknown)}")
        weekly_raw = data.get("weekly")
        weekly = _default_weekly() if weekly_raw is None else parse_weekly(weekly_raw)
        return cls(weekly=weekly, timezone=data.get("timezone"),
                   holidays=parse_holidays(data.get("holidays") or []))


def parse_weekly(raw: Mapping[Any, Any]) -> dict[int, list[Interval]]:
    """Weekday keys (mon..sun or 0-6) to sorted [start, end] or {start, end} intervals."""
    if not isinstance(raw, Mapping):
        raise ValueError("weekly must map weekdays to lists of [start, end] intervals")
    out: dict[int, list[Interval]] = {}
    for key, intervals in raw.items():
        spans = sorted(_interval(i) for i in intervals or [])
        if spans:
            out[_day_index(key)] = spans
    return out


def parse_holidays(raw: Iterable[Any]) -> frozenset[date]:
    days = set()
    for item in raw:
        try:
            days.add(item if isinstance(item, date) else date.fromisoformat(str(item)))
        except ValueError as exc:
            raise ValueError(f"bad holiday {item!r}; use YYYY-MM-DD") from exc
    return frozenset(days)


DEFAULT_HOURS = BusinessHours()


def effective_hours(
    default: Mapping[str, Any],
    tenant: Mapping[str, Any] | None,
    override: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The stored JSON shape that applies: a request's override beats the tenant's setting,
    which beats the service default."""
    for candidate in (override, tenant):
        if candidate:
            return dict(candidate)
    return dict(default)
