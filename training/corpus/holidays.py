"""The corpus's business-hours rule behind the `off_hours_pressure` label.

The weekly schedule is the classifier's default (classifier.hours.DEFAULT_HOURS: Monday to
Friday, 09:00 inclusive to 18:00 exclusive, read in the time zone of `sent_at` itself), so the
builder labels with the rule the classifier applies. On top of it the corpus treats the fixed
public holidays of each language's main market as off hours.
"""

from __future__ import annotations

from datetime import date, datetime

from classifier.hours import DEFAULT_HOURS

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
    # The natural data's other markets: Italy, Brazil (most Portuguese rows), Turkey (which
    # does not keep 25 December).
    "it": _COMMON | {(1, 6), (4, 25), (5, 1), (6, 2), (8, 15), (11, 1), (12, 8), (12, 26)},
    "pt": _COMMON | {(4, 21), (5, 1), (9, 7), (10, 12), (11, 2), (11, 15), (11, 20)},
    "tr": frozenset({(1, 1), (4, 23), (5, 1), (5, 19), (7, 15), (8, 30), (10, 29)}),
}


def is_holiday(day: date, lang: str | None = None) -> bool:
    """A fixed public holiday for `lang` (or one of the few shared by all when unknown)."""
    holidays = HOLIDAYS.get(lang or "", _COMMON)
    return (day.month, day.day) in holidays


def is_business_time(sent_at: datetime, lang: str | None = None) -> bool:
    """True when `sent_at` falls inside the default business hours in its own time zone
    and is not a holiday of `lang`'s market."""
    return DEFAULT_HOURS.is_business_time(sent_at) and not is_holiday(sent_at.date(), lang)
