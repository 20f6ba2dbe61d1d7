"""The corpus labels off-hours pressure with the classifier's default schedule, plus the
fixed public holidays of each language's market."""

from __future__ import annotations

from datetime import datetime

from classifier.hours import DEFAULT_HOURS
from training.corpus.holidays import is_business_time


def dt(s: str) -> datetime:
    return datetime.fromisoformat(s)


def test_the_corpus_rule_is_the_default_schedule_plus_market_holidays() -> None:
    for stamp in ("2026-03-16T08:59:59+03:00", "2026-03-16T09:00:00+03:00",
                  "2026-03-16T17:59:00-05:00", "2026-03-16T18:00:00-05:00",
                  "2026-03-14T11:00:00+01:00"):
        assert is_business_time(dt(stamp)) == DEFAULT_HOURS.is_business_time(dt(stamp)), stamp
    assert not is_business_time(dt("2026-05-01T11:00:00+02:00"), "de")  # Labour Day
    assert is_business_time(dt("2026-05-01T11:00:00+02:00"), "en")  # a Friday
    assert not is_business_time(dt("2025-04-25T10:30:00+02:00"), "it")  # Liberation Day
    assert not is_business_time(dt("2025-10-29T11:00:00+03:00"), "tr")  # Republic Day
    assert is_business_time(dt("2025-12-25T11:00:00+03:00"), "tr")  # a working Thursday
    assert DEFAULT_HOURS.to_dict()["weekly"]["fri"] == [["09:00", "18:00"]]
