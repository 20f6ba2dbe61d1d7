"""The shipped model on behaviour the product promises (real model: slow)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from typer.testing import CliRunner

from classifier.model import ToneClassifier
from classifier.paths import model_dir_from_env as default_model_dir

pytestmark = pytest.mark.slow

SAT_NIGHT = datetime.fromisoformat("2026-03-07T23:40:00+03:00")
TUE_DAY = datetime.fromisoformat("2026-03-10T14:00:00+03:00")
WED_3AM = datetime.fromisoformat("2026-03-11T03:00:00+03:00")


@pytest.fixture(scope="module")
def clf() -> ToneClassifier:
    return ToneClassifier.from_pretrained(default_model_dir())


@pytest.mark.parametrize("text", ["Answer me now! I need this fixed immediately!",
                                  "Ответьте немедленно! Мне нужно прямо сейчас!"])
def test_same_demand_flagged_at_night_not_on_tuesday(clf: ToneClassifier, text: str) -> None:
    assert "off_hours_pressure" in clf.predict(text, sent_at=SAT_NIGHT).labels
    assert "off_hours_pressure" not in clf.predict(text, sent_at=TUE_DAY).labels


@pytest.mark.parametrize("when", [SAT_NIGHT, TUE_DAY])
def test_nobody_answered_all_night_flagged_whenever_sent(clf: ToneClassifier,
                                                        when: datetime) -> None:
    text = "Я всю ночь писал вам в чат, и никто так и не ответил. Вы вообще работаете?"
    assert "off_hours_pressure" in clf.predict(text, sent_at=when).labels


def test_calm_message_at_3am_not_flagged(clf: ToneClassifier) -> None:
    pred = clf.predict("Hi, could you send me the March invoice when you get a chance? Thanks!",
                       sent_at=WED_3AM)
    assert pred.labels == [] and pred.outside_business_hours is True


def test_spans_point_at_the_offending_words(clf: ToneClassifier) -> None:
    text = ("Добрый день!\n\nВы там совсем идиоты? Третий раз пишу про один и тот же заказ. "
            "Если завтра не вернёте деньги, подам в суд.\n\nС уважением,\nИван Петров")
    pred = clf.predict(text, sent_at=TUE_DAY)
    assert {"aggression", "threat"} <= set(pred.labels)
    by = {s.label: s for s in pred.spans}
    assert "идиоты" in by["aggression"].text and "Добрый" not in by["aggression"].text
    assert "суд" in by["threat"].text and "Иван" not in by["threat"].text
    for span in pred.spans:
        assert text[span.start:span.end] == span.text and 0 < span.score <= 1


def test_greeting_clause_is_cut_from_the_span(clf: ToneClassifier) -> None:
    text = "Hi team, you are useless morons. Thanks, Anna"
    pred = clf.predict(text, sent_at=TUE_DAY)
    [span] = [s for s in pred.spans if s.label == "aggression"]
    assert span.text.startswith("you are useless morons")


def test_quoted_aggression_does_not_flag(clf: ToneClassifier) -> None:
    text = ("Thanks, all good now.\n\nOn Mon, 9 Feb 2026 at 10:00, John <j@x.com> wrote:\n"
            "> You idiots, I will sue you all!\n> Fix it now or else.")
    pred = clf.predict(text, sent_at=TUE_DAY)
    assert pred.labels == []
    assert pred.ignored_ranges and "idiots" in text[slice(*pred.ignored_ranges[0])]
    quoted = clf.predict("You idiots, I will sue you all! Fix it now or else.", sent_at=TUE_DAY)
    assert {"aggression", "threat"} <= set(quoted.labels)


def test_languages_detected(clf: ToneClassifier) -> None:
    preds = clf.predict(["Где мой заказ?", "Where is my order?", "Wo ist meine Bestellung?"])
    assert [p.lang for p in preds] == ["ru", "en", "de"]


def test_classify_cli_prints_labels_scores_and_spans() -> None:
    from service.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["classify", "Ответьте немедленно, сколько можно ждать!",
                              "--sent-at", "2026-03-07T23:40:00+03:00"])
    assert res.exit_code == 0, res.output
    assert "off_hours_pressure" in res.output and "outside business hours: yes" in res.output
    res = runner.invoke(app, ["classify", "You idiots!", "--json"])
    data = json.loads(res.stdout)
    assert "aggression" in data["labels"] and data["spans"][0]["text"]
    bad = runner.invoke(app, ["classify", "x", "--sent-at", "yesterday"])
    assert bad.exit_code == 2
