"""The reply policy: a suggestion fits the message's flags, risk and topic, or is not shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.replies import ReplySuggester, TemplateError, load_playbook
from service.replies.templates import DEFAULT_DIR

# Steps that would hurt a client who did not call for them.
PRESSING = {"boundary_tone", "threat_procedure", "decline_offer", "late_payment", "part_ways"}

CALM = [
    ("Do the poster prints come rolled or flat?", "en"),
    ("Hi, could you send me proof of insurance for my new car? Thanks!", "en"),
    ("Hi, do you do payment plans for the Europe tours?", "en"),
    ("Hey could you resend the invoice for May? Accountant lost it", "en"),
    ("Подскажите, как поменять тариф с месячного на годовой?", "ru"),
    ("Добрый день, можно ли оплатить доставку картой при получении?", "ru"),
    ("Прошу выставить отдельный счёт на доставку, бухгалтерия просит разделить.", "ru"),
]


@pytest.fixture(scope="module")
def rules() -> ReplySuggester:
    return ReplySuggester.rules_only()


@pytest.mark.parametrize(("text", "lang"), CALM)
def test_calm_question_gets_no_payment_reminder_nor_pressure(rules, text, lang):
    steps = {r.step for r in rules.suggest(text, [], lang, "ok", {}, k=10)}
    assert "late_payment" not in steps
    assert not steps & PRESSING, steps


@pytest.mark.parametrize("text", [
    "Thank you so much, the reception team sorted everything out. Fantastic.",
    "Could we get the VAT figures by noon? Sorry for the short notice.",
    "Простите, пожалуйста, я вчера наговорила вашему оператору лишнего.",
])
def test_polite_message_gets_no_boundary(rules, text):
    for k in (1, 3, 10):
        out = rules.suggest(text, [], None, "ok", {}, k=k, repeat_steps=True)
        assert "boundary_tone" not in {r.step for r in out}


@pytest.mark.parametrize(("text", "lang"), CALM)
def test_clean_message_gets_nothing_or_a_neutral_acknowledgement(rules, text, lang):
    out = rules.suggest(text, [], lang, "ok", {}, k=10, repeat_steps=True)
    assert {r.step for r in out} <= {"acknowledge"}
    assert all(r.id == f"{lang}-ack-1" for r in out)


@pytest.mark.parametrize(("text", "lang"), [
    ("Hi, I have not paid last month's invoice yet, can I pay it in two parts?", "en"),
    ("Sorry, I can't pay the invoice this month, could I pay next month?", "en"),
    ("Добрый день, счёт оплачу только в следующем месяце, можно рассрочку?", "ru"),
    ("Ich kann die Rechnung erst nächsten Monat bezahlen.", "de"),
])
def test_a_real_payment_topic_brings_the_payment_step(rules, text, lang):
    out = rules.suggest(text, [], lang, "ok", {})
    assert out[0].step == "late_payment" and out[0].lang == lang


def test_invoice_dispute_gets_the_dispute_reply_not_a_reminder(rules):
    out = rules.suggest("The invoice still shows the wrong VAT number.", [], "en", "ok", {}, k=5)
    ids = [r.id for r in out]
    assert "en-payment-2" in ids and "en-payment-1" not in ids


@pytest.mark.parametrize(("label", "step"), [
    ("aggression", "boundary_tone"), ("threat", "threat_procedure"),
    ("unreasonable_demand", "decline_offer"), ("off_hours_pressure", "working_hours"),
])
def test_a_step_appears_only_with_its_label(rules, label, step):
    others = [x for x in ("aggression", "threat", "unreasonable_demand", "off_hours_pressure")
              if x != label]
    assert rules.suggest("...", [label], "en", "watch", {})[0].step == step
    for lang in ("en", "ru"):
        out = rules.suggest("...", others, lang, "difficult", {}, k=10, repeat_steps=True)
        assert step not in {r.step for r in out}


def test_part_ways_only_at_consider_parting(rules):
    for level in ("ok", "watch", "difficult"):
        out = rules.suggest("you are useless", ["aggression", "threat"], "en", level, {}, k=10,
                            repeat_steps=True)
        assert "part_ways" not in {r.step for r in out}
    out = rules.suggest("you are useless", ["aggression"], "en", "consider_parting", {}, k=10)
    assert "part_ways" in {r.step for r in out}


def test_topics_must_be_defined(tmp_path: Path):
    raw = json.loads((DEFAULT_DIR / "en.json").read_text(encoding="utf-8"))
    raw["templates"][0]["topics"] = ["weather"]
    (tmp_path / "en.json").write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(TemplateError, match="weather"):
        load_playbook(tmp_path)
    raw["templates"][0]["topics"] = []
    raw["topics"] = {"payment_due": ["(unclosed"]}
    (tmp_path / "en.json").write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(TemplateError, match="bad pattern"):
        load_playbook(tmp_path)
