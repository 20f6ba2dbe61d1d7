"""Time-decayed client risk, its level and the reasons behind it in plain words.

Each flagged message adds its label weights, halving every `half_life` days. The sum is
stored scaled to a fixed epoch (`risk_ref = sum w * 2^((t - EPOCH) / h)`), which only
grows, so ordering clients by `risk_ref` equals ordering them by today's decayed score
and level filters become plain SQL comparisons.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from service.clock import local_time

EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
LABEL_WEIGHTS: dict[str, float] = {
    "threat": 3.0,
    "aggression": 2.0,
    "unreasonable_demand": 1.5,
    "off_hours_pressure": 1.0,
}
# Lowest score of each level, highest level first.
LEVELS: tuple[tuple[str, float], ...] = (
    ("consider_parting", 12.0),
    ("difficult", 6.0),
    ("watch", 2.0),
)
LEVEL_NAMES: tuple[str, ...] = ("ok", "watch", "difficult", "consider_parting")
REASON_WINDOW_DAYS = 30
_NIGHT_HOURS = frozenset({22, 23, 0, 1, 2, 3, 4, 5})
# Words that make a threat a legal one, across the supported languages.
_LEGAL = re.compile(
    r"lawyer|attorney|court|sue\b|suing|lawsuit|legal|юрист|суд|адвокат|\bиск|прокурат"
    r"|anwalt|gericht|klage|abogad|demanda|tribunal|juzgado|avocat|plainte|justice"
    r"|prawnik|sąd|pozew|позов",
    re.IGNORECASE,
)


def _days(t: datetime) -> float:
    return (t - EPOCH).total_seconds() / 86_400.0


def message_weight(labels: Iterable[str]) -> float:
    return sum(LABEL_WEIGHTS.get(label, 0.0) for label in set(labels))


def ref_contribution(labels: Iterable[str], event_at: datetime, half_life_days: float) -> float:
    """What one message adds to `risk_ref`."""
    w = message_weight(labels)
    return w * math.pow(2.0, _days(event_at) / half_life_days) if w else 0.0


def current_score(risk_ref: float, now: datetime, half_life_days: float) -> float:
    return risk_ref * math.pow(2.0, -_days(now) / half_life_days)


def ref_threshold(score: float, now: datetime, half_life_days: float) -> float:
    """The `risk_ref` that corresponds to `score` at `now` (for SQL filters)."""
    return score * math.pow(2.0, _days(now) / half_life_days)


def level_for(score: float) -> str:
    for name, lowest in LEVELS:
        if score >= lowest:
            return name
    return "ok"


def level_bounds(level: str) -> tuple[float, float | None]:
    """[low, high) score bounds of a level; high is None for the top level."""
    lows = {name: low for name, low in LEVELS} | {"ok": 0.0}
    order = list(LEVEL_NAMES)
    i = order.index(level)
    high = lows[order[i + 1]] if i + 1 < len(order) else None
    return lows[level], high


@dataclass(frozen=True)
class FlaggedFact:
    """The parts of a stored message the reasons are built from."""

    labels: Sequence[str]
    event_at: datetime
    outside_business_hours: bool | None
    span_texts: Sequence[tuple[str, str]]  # (label, text), the client's own words only
    # The sender's UTC offset in minutes: "at night" is the sender's night. None: the
    # tenant's zone (the `tz` given to `reasons`) decides.
    utc_offset: int | None = None


@dataclass(frozen=True)
class Reason:
    code: str
    count: int
    days: int
    text: str


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _messages(n: int) -> str:
    return "1 message" if n == 1 else f"{n} messages"


def reasons(
    facts: Iterable[FlaggedFact], now: datetime, tz: tzinfo | None = None, days: int = 30
) -> list[Reason]:
    """Plain-words reasons from the flagged messages of the last `days` days.

    Night is read on the sender's clock when the message carries its offset, else in `tz`.
    """
    since = now.timestamp() - days * 86_400
    legal = other_threat = aggression = demands = night = off_hours = 0
    for f in facts:
        if f.event_at.timestamp() < since:
            continue
        labels = set(f.labels)
        if "threat" in labels:
            threat_text = " ".join(t for lab, t in f.span_texts if lab == "threat")
            if _LEGAL.search(threat_text):
                legal += 1
            else:
                other_threat += 1
        aggression += "aggression" in labels
        demands += "unreasonable_demand" in labels
        if "off_hours_pressure" in labels:
            local = local_time(f.event_at, f.utc_offset, tz)
            if local.hour in _NIGHT_HOURS:
                night += 1
            else:
                off_hours += 1
    said = [
        ("legal_threat", legal, f"threatened legal action {_times(legal)} in {days} days"),
        ("threat", other_threat, f"made threats {_times(other_threat)} in {days} days"),
        ("aggression", aggression,
         f"{_messages(aggression)} with insults or aggression in {days} days"),
        ("unreasonable_demand", demands,
         f"made unreasonable demands {_times(demands)} in {days} days"),
        ("night_pressure", night, f"{_messages(night)} at night demanding an immediate answer"),
        ("off_hours_pressure", off_hours,
         f"{_messages(off_hours)} outside business hours demanding an immediate answer"),
    ]
    return [Reason(kind, count, days, text) for kind, count, text in said if count]
