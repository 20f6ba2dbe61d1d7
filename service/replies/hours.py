"""Render a tenant's weekly schedule as a short phrase in the client's language.

Replies quote business hours, so the phrase must come from the tenant's real
schedule rather than a fixed string, and read naturally in each language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from service.replies.templates import LanguageFrame

_DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Interval = tuple[str, str]
# Weekday (0-6, Monday=0, or mon..sun) -> [start, end] or {"start", "end"} intervals.
Schedule = Mapping[int | str, Sequence[Sequence[str] | Mapping[str, str]]]
# The schedule most helpdesks start with; used when the tenant has none.
DEFAULT_SCHEDULE: dict[int, list[Interval]] = {d: [("09:00", "18:00")] for d in range(5)}


def _day_index(key: int | str) -> int:
    if isinstance(key, int) and 0 <= key < 7:
        return key
    text = str(key).strip().lower()
    if text.isdigit() and int(text) < 7:
        return int(text)
    if text[:3] in _DAY_KEYS:
        return _DAY_KEYS.index(text[:3])
    raise ValueError(f"unknown weekday {key!r}; use 0-6 (Monday=0) or mon..sun")


def _interval(value: Sequence[str] | Mapping[str, str]) -> Interval:
    if isinstance(value, Mapping):
        return str(value["start"]), str(value["end"])
    start, end = value
    return str(start), str(end)


def normalise_schedule(weekly: Schedule) -> dict[int, list[Interval]]:
    """Accept 0-6 or mon..sun keys and [start, end] or {start, end} intervals."""
    out: dict[int, list[Interval]] = {}
    for key, intervals in weekly.items():
        spans = [_interval(i) for i in intervals]
        if spans:
            out[_day_index(key)] = spans
    return out


def render_hours(
    frame: LanguageFrame,
    weekly: Schedule | None = None,
    timezone: str | None = None,
) -> str:
    """E.g. 'Mon–Fri 09:00–18:00, Sat 10:00–14:00 (Europe/Berlin time)'."""
    schedule = normalise_schedule(weekly) if weekly else DEFAULT_SCHEDULE
    groups: list[tuple[int, int, str]] = []  # first day, last day, hours
    for day in range(7):
        if day not in schedule:
            continue
        hours = ", ".join(f"{s}–{e}" for s, e in schedule[day])
        if groups and groups[-1][1] == day - 1 and groups[-1][2] == hours:
            groups[-1] = (groups[-1][0], day, hours)
        else:
            groups.append((day, day, hours))
    parts = []
    for first, last, hours in groups:
        days = frame.weekdays[first]
        if last > first:
            sep = "–" if last > first + 1 else ", "
            days = f"{days}{sep}{frame.weekdays[last]}"
        parts.append(f"{days} {hours}")
    phrase = "; ".join(parts)
    if timezone:
        phrase = f"{phrase} ({timezone})"
    return f"{phrase}, {frame.closed}" if frame.closed else phrase
