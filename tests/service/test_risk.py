"""Risk scoring: decay, levels, SQL-orderable reference values and plain-words reasons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from service.risk import (
    FlaggedFact,
    current_score,
    level_bounds,
    level_for,
    reasons,
    ref_contribution,
    ref_threshold,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_weight_halves_every_half_life():
    ref = ref_contribution(["threat"], NOW - timedelta(days=14), 14.0)
    assert current_score(ref, NOW, 14.0) == pytest.approx(1.5)
    assert current_score(ref_contribution(["threat", "aggression"], NOW, 14.0), NOW, 14.0) \
        == pytest.approx(5.0)
    assert ref_contribution([], NOW, 14.0) == 0.0
    # A duplicated label in one message counts once.
    assert ref_contribution(["threat", "threat"], NOW, 14.0) == ref_contribution(
        ["threat"], NOW, 14.0)


def test_reference_order_matches_current_order_at_any_time():
    a = ref_contribution(["threat"], NOW - timedelta(days=30), 14.0) * 3
    b = ref_contribution(["aggression"], NOW - timedelta(days=2), 14.0)
    for later in (0, 10, 100, 1000):
        t = NOW + timedelta(days=later)
        assert (a > b) == (current_score(a, t, 14.0) > current_score(b, t, 14.0))
        assert ref_threshold(current_score(a, t, 14.0), t, 14.0) == pytest.approx(a)


def test_levels_and_bounds():
    assert [level_for(s) for s in (0, 1.99, 2, 5.9, 6, 11.9, 12, 100)] == [
        "ok", "ok", "watch", "watch", "difficult", "difficult", "consider_parting",
        "consider_parting"]
    assert level_bounds("ok") == (0.0, 2.0)
    assert level_bounds("consider_parting") == (12.0, None)


def _fact(labels, days_ago, hour=12, spans=()):
    t = (NOW - timedelta(days=days_ago)).replace(hour=hour)
    return FlaggedFact(labels, t, True, list(spans))


def test_reasons_in_plain_words():
    facts = [
        _fact(["threat"], 3, spans=[("threat", "my lawyer will contact you")]),
        _fact(["threat"], 10, spans=[("threat", "увидимся в суде")]),
        _fact(["threat"], 12, spans=[("threat", "I will post this everywhere")]),
        _fact(["threat"], 40, spans=[("threat", "court")]),  # outside the window
        *[_fact(["off_hours_pressure"], d, hour=23) for d in (1, 2, 3, 4)],
        _fact(["off_hours_pressure"], 5, hour=19),
        _fact(["aggression", "unreasonable_demand"], 1),
    ]
    texts = [r.text for r in reasons(facts, NOW)]
    assert "threatened legal action twice in 30 days" in texts
    assert "made threats once in 30 days" in texts
    assert "4 messages at night demanding an immediate answer" in texts
    assert "1 message outside business hours demanding an immediate answer" in texts
    assert "1 message with insults or aggression in 30 days" in texts
    assert "made unreasonable demands once in 30 days" in texts
    assert reasons([], NOW) == []


def test_night_is_read_in_the_tenants_zone():
    fact = _fact(["off_hours_pressure"], 1, hour=20)  # 20:00 UTC = 23:00 in Moscow
    assert reasons([fact], NOW)[0].code == "off_hours_pressure"
    assert reasons([fact], NOW, ZoneInfo("Europe/Moscow"))[0].code == "night_pressure"


def test_night_is_the_senders_night_else_the_tenants():
    at = datetime(2026, 11, 24, 20, 40, tzinfo=UTC)  # 23:40 in Moscow, 21:40 in Berlin

    def codes(offset, tz=None):
        fact = FlaggedFact(["off_hours_pressure"], at, True, [], utc_offset=offset)
        return [r.code for r in reasons([fact], NOW, tz)]

    assert codes(180) == ["night_pressure"]
    assert codes(0) == ["off_hours_pressure"]
    assert codes(180, ZoneInfo("America/New_York")) == ["night_pressure"]  # the sender wins
    assert codes(None, ZoneInfo("Europe/Moscow")) == ["night_pressure"]  # no offset: tenant
    assert codes(None, ZoneInfo("Europe/Berlin")) == ["off_hours_pressure"]


def test_spans_are_cut_to_the_clients_own_text():
    from service.evidence import own_spans

    text = "Pay now.\n> you idiots\nOr else."
    quote = (9, 21)
    span = {"label": "threat", "start": 0, "end": len(text), "text": text, "score": 0.8}
    cut = own_spans(text, [span], [quote])
    assert [(s["start"], s["end"], s["text"]) for s in cut] == [(0, 8, "Pay now."),
                                                                (22, 30, "Or else.")]
    inside = {"label": "aggression", "start": 15, "end": 21, "text": "idiots", "score": 0.9}
    assert own_spans(text, [inside], [quote]) == []
    assert own_spans(text, [inside], []) == [inside]
