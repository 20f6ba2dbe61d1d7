"""Business hours: default rule, tenant schedules, time zones, holidays, JSON shape."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from classifier.hours import BusinessHours, effective_hours


def dt(s: str) -> datetime:
    return datetime.fromisoformat(s)


def test_default_is_weekdays_nine_to_six_in_senders_zone() -> None:
    h = BusinessHours()
    assert h.is_business_time(dt("2026-03-10T14:00:00+03:00"))  # Tuesday
    assert not h.is_business_time(dt("2026-03-07T23:40:00+03:00"))  # Saturday night
    assert not h.is_business_time(dt("2026-03-10T18:00:00-05:00"))  # 18:00 is closed
    assert h.is_business_time(dt("2026-03-10T09:00:00-05:00"))
    assert not h.is_business_time(dt("2026-03-10T03:00:00+09:00"))


def test_tenant_zone_schedule_and_holidays_round_trip() -> None:
    h = BusinessHours.from_dict({"timezone": "Europe/Berlin",
                                 "weekly": {"mon": [["08:00", "12:00"], ["13:00", "17:00"]],
                                            "sat": [{"start": "10:00", "end": "14:00"}]},
                                 "holidays": ["2026-03-09"]})
    assert not h.is_business_time(dt("2026-03-09T10:00:00+01:00"))  # holiday Monday
    assert h.is_business_time(dt("2026-03-16T08:30:00+01:00"))
    assert not h.is_business_time(dt("2026-03-16T12:30:00+01:00"))  # lunch
    assert h.is_business_time(dt("2026-03-16T07:30:00+00:00"))  # 08:30 in Berlin
    assert h.is_business_time(dt("2026-03-14T11:00:00+01:00"))  # Saturday morning
    assert BusinessHours.from_dict(h.to_dict()) == h
    assert h.holidays == frozenset({date(2026, 3, 9)})
    assert BusinessHours.from_dict({}) == BusinessHours()
    assert BusinessHours.from_dict({"timezone": "sender"}).timezone is None


@pytest.mark.parametrize("bad", [
    {"timezone": "Mars/Olympus"},
    {"weekly": {"funday": [["09:00", "10:00"]]}},
    {"weekly": {"mon": [["18:00", "09:00"]]}},
    {"weekly": {"mon": [["9am", "10:00"]]}},
    {"holidays": ["tomorrow"]},
    {"zone": "UTC"},
])
def test_bad_input_is_a_value_error(bad: dict) -> None:
    with pytest.raises(ValueError):
        BusinessHours.from_dict(bad)


def test_the_applicable_hours_are_override_then_tenant_then_default() -> None:
    default, tenant = {"timezone": None}, {"timezone": "Europe/Berlin"}
    override = {"timezone": "Asia/Tokyo"}
    assert effective_hours(default, tenant, override) == override
    assert effective_hours(default, tenant, None) == tenant
    assert effective_hours(default, None, {}) == default
    assert effective_hours(default, None) is not default  # a copy the caller may change

