"""Render a tenant's weekly schedule as a short phrase in the client's language.

Replies quote business hours, so the phrase comes from the tenant's real schedule rather
than a fixed string. Parsing and the default schedule are classifier.hours' rules; this
module only words them in each language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from classifier.hours import DEFAULT_HOURS, Interval, format_time, parse_weekly
from service.replies.templates import LanguageFrame

# Weekday (0-6, Monday=0, or mon..sun) -> [start, end] or {"start", "end"} intervals.
Schedule = Mapping[int | str, Sequence[Sequence[str] | Mapping[str, str]]]


def _day_groups(schedule: Mapping[int, list[Interval]]) -> list[tuple[int, int, str]]:
    """Consecutive days with the same hours, as (first day, last day, hours)."""
    groups: list[tuple[int, int, str]] = []
    for day in range(7):
        if day not in schedule:
            continue
        hours = ", ".join(f"{format_time(s)}–{format_time(e)}" for s, e in schedule[day])
        if groups and groups[-1][1] == day - 1 and groups[-1][2] == hours:
            groups[-1] = (groups[-1][0], day, hours)
        else:
            groups.append((day, day, hours))
    return groups


def render_hours(
    frame: LanguageFrame,
    weekly: Schedule | None = None,
    timezone: str | None = None,
) -> str:
    """E.g. 'Mon–Fri 09:00–18:00, Sat 10:00–14:00 (Europe/Berlin time)'."""
    schedule = parse_weekly(weekly) if weekly else DEFAULT_HOURS.weekly
    parts = []
    for first, last, hours in _day_groups(schedule):
        days = frame.weekdays[first]
        if last > first:
            sep = "–" if last > first + 1 else ", "
            days = f"{days}{sep}{frame.weekdays[last]}"
        parts.append(f"{days} {hours}")
    phrase = "; ".join(parts)
    if timezone:
        phrase = f"{phrase} ({timezone})"
    return f"{phrase}, {frame.closed}" if frame.closed else phrase
