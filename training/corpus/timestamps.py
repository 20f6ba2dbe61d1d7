"""Sampling `sent_at` values: local time zones that fit each language, and the time of day
a message needs (inside business hours, outside them, or anywhere)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

from training.corpus.holidays import HOLIDAYS, is_business_time, is_holiday

# (offset hours, weight): where each language's clients plausibly write from.
OFFSETS: dict[str, list[tuple[float, int]]] = {
    "en": [(-5, 4), (-4, 3), (-8, 3), (-7, 2), (-6, 2), (0, 3), (1, 3), (5.5, 2), (8, 1), (10, 2),
           (12, 1)],
    "ru": [(3, 10), (2, 1), (4, 1), (5, 2), (6, 1), (7, 2), (10, 1)],
    "uk": [(2, 5), (3, 5)],
    "de": [(1, 5), (2, 5)],
    "es": [(1, 4), (2, 4), (-3, 2), (-5, 2), (-6, 2)],
    "fr": [(1, 5), (2, 5), (-5, 1), (-4, 1)],
    "pl": [(1, 5), (2, 5)],
}

START = date(2023, 1, 2)
SPAN_DAYS = 3 * 365


def _offset(rng: random.Random, lang: str) -> timezone:
    choices = OFFSETS.get(lang, [(0, 1)])
    hours = rng.choices([c[0] for c in choices], weights=[c[1] for c in choices])[0]
    return timezone(timedelta(minutes=int(hours * 60)))


def _at(day: date, hour: int, rng: random.Random, tz: timezone) -> datetime:
    return datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60),
                    tzinfo=tz)


def _holiday(rng: random.Random, lang: str) -> date:
    month, day = rng.choice(sorted(HOLIDAYS.get(lang, HOLIDAYS["en"])))
    return date(rng.choice([2023, 2024, 2025]), month, day)


def sample_sent_at(rng: random.Random, lang: str, when: str) -> datetime:
    """`when` is "business", "off" (night, evening, weekend or holiday), "night" or "any"."""
    tz = _offset(rng, lang)
    night_only = when == "night"
    if night_only:
        when = "off"
    if when == "any":
        when = rng.choices(["business", "off"], weights=[55, 45])[0]
    for _ in range(200):
        day = START + timedelta(days=rng.randrange(SPAN_DAYS))
        if when == "business":
            if day.weekday() >= 5 or is_holiday(day, lang):
                continue
            dt = _at(day, rng.randrange(9, 18), rng, tz)
        else:
            kind = rng.choices(["night", "evening", "early", "weekend", "holiday"],
                               weights=[35, 25, 10, 22, 8])[0]
            if night_only:
                kind = "night"
            if kind == "holiday":
                day = _holiday(rng, lang)
                dt = _at(day, rng.randrange(24), rng, tz)
            elif kind == "weekend":
                day += timedelta(days=(5 + rng.randrange(2) - day.weekday()) % 7)
                dt = _at(day, rng.randrange(24), rng, tz)
            else:
                hours = {"night": [22, 23, 0, 1, 2, 3, 4, 5], "evening": [18, 19, 20, 21],
                         "early": [5, 6, 7, 8]}[kind]
                dt = _at(day, rng.choice(hours), rng, tz)
        if is_business_time(dt, lang) == (when == "business"):
            return dt
    raise RuntimeError(f"could not sample a {when!r} timestamp for {lang}")


def is_night(dt: datetime) -> bool:
    """Deep night, used to name the `calm_night` hard negatives."""
    return dt.hour >= 22 or dt.hour < 6
