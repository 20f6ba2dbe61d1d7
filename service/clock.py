"""Whose clock a message's time is read on: the sender's own offset, else the tenant's zone.

`sent_at` is stored as a UTC instant and the sender's offset beside it (minutes), so the
hour the sender saw ("23:40 at night") can be told apart from the hour in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def utc_offset_minutes(t: datetime | None) -> int | None:
    """The offset `t` was given with; a naive time counts as UTC, like its instant."""
    if t is None:
        return None
    offset = t.utcoffset()
    return 0 if offset is None else int(offset.total_seconds() // 60)


def offset_zone(minutes: int) -> timezone:
    return UTC if minutes == 0 else timezone(timedelta(minutes=minutes))


def tenant_zone(name: str | None) -> tzinfo:
    """The tenant's IANA zone from its business hours; UTC when it names none (or a bad one)."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def sender_time(sent_at: datetime | None, offset_minutes: int | None) -> datetime | None:
    """`sent_at` on the sender's clock; unchanged (UTC) when the offset is unknown."""
    if sent_at is None or offset_minutes is None:
        return sent_at
    return sent_at.astimezone(offset_zone(offset_minutes))


def local_time(
    at: datetime, offset_minutes: int | None, fallback: tzinfo | None
) -> datetime:
    """`at` on the sender's clock when their offset is known, else in `fallback` (or UTC)."""
    if offset_minutes is not None:
        return at.astimezone(offset_zone(offset_minutes))
    return at.astimezone(fallback or UTC)
