"""The business-hours rule behind the `off_hours_pressure` label.

Default business hours are Monday to Friday, 09:00 (inclusive) to 18:00 (exclusive), read in
the time zone of `sent_at` itself, minus the public holidays below. The builder labels with this
rule, so the classifier should apply the same one when it decides what "off hours" means.
"""

from __future__ import annotations

from datetime import date, datetime

BUSINESS_START_HOUR = 9
BUSINESS_END_HOUR = 18

# Fixed-date public holidays (month, day) per language's main market; movable feasts are left
# out on purpose so the rule stays a pure function of the date.
_COMMON: frozenset[tuple[int, int]] = frozenset({(1, 1), (12, 25)})
HOLIDAYS: dict[str, frozenset[tuple[int, int]]] = {
    "en": _COMMON | {(12, 26), (7, 4), (11, 11)},
    "ru": frozenset({(1, d) for d in range(1, 9)} | {(2, 23), (3, 8), (5, 1), (5, 9), (6, 12),
                                                      (11, 4)}),
    "uk": _COMMON | {(1, 7), (3, 8), (5, 1), (6, 28), (8, 24), (10, 1)},
    "de": _COMMON | {(5, 1), (10, 3), (12, 26)},
    "es": _COMMON | {(1, 6), (5, 1), (8, 15), (10, 12), (11, 1), (12, 6), (12, 8)},
    "fr": _COMMON | {(5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11)},
    "pl": _COMMON | {(1, 6), (5, 1), (5, 3), (8, 15), (11, 1), (11, 11), (12, 26)},
}


def is_holiday(day: date, lang: str | None = None) -> bool:
    """A fixed public holiday for `lang` (or one of the few shared by all when unknown)."""
    holidays = HOLIDAYS.get(lang or "", _COMMON)
    return (day.month, day.day) in holidays


def is_business_time(sent_at: datetime, lang: str | None = None) -> bool:
    """True when `sent_at` falls inside business hours in its own time zone."""
    if sent_at.weekday() >= 5 or is_holiday(sent_at.date(), lang):
        return False
    return BUSINESS_START_HOUR <= sent_at.hour < BUSINESS_END_HOUR


def parse_sent_at(value: str) -> datetime:
    """Parse an ISO 8601 timestamp that must carry a UTC offset."""
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError(f"sent_at without a UTC offset: {value!r}")
    return parsed
