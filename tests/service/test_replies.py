"""ReplySuggester in its rules-only mode (labels + risk): fast, no encoder."""

from __future__ import annotations

import re

import pytest

from service.replies import ReplySuggester, variables_from
from service.replies.render import fill, render
from service.replies.schedule_text import render_hours
from service.replies.templates import PLACEHOLDER

HOURS = {
    "timezone": "Europe/Berlin",
    "weekly": {"mon": [["08:00", "17:00"]], "tue": [["08:00", "17:00"]],
               "wed": [["08:00", "17:00"]], "thu": [["08:00", "17:00"]],
               "fri": [["08:00", "13:00"]], "sat": [], "sun": []},
    "holidays": [],
}


@pytest.fixture(scope="module")
def rules() -> ReplySuggester:
    return ReplySuggester.rules_only()


def test_rules_mode_is_explicit(rules):
    assert rules.mode == "rules"
    assert rules.encoder is None


@pytest.mark.parametrize("lang", ["ru", "en", "de", "es", "fr", "uk", "pl"])
def test_reply_comes_in_the_requested_language(rules, lang):
    out = rules.suggest("x", ["aggression"], lang, "watch", {})
    assert out and all(r.lang == lang for r in out)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Почему вы до сих пор не вернули мне деньги за заказ?", "ru"),
        ("Why have you still not refunded the money for my order?", "en"),
        ("Чому ви досі не повернули мені гроші за замовлення?", "uk"),
        ("Warum haben Sie mir das Geld für die Bestellung noch nicht erstattet?", "de"),
    ],
)
def test_language_is_detected_when_not_given(rules, text, lang):
    out = rules.suggest(text, [], None, "ok", {})
    assert out[0].lang == lang


def test_unknown_language_falls_back_to_english(rules):
    out = rules.suggest("Miksi ette vastaa?", ["aggression"], "fi", "ok", {})
    assert {r.lang for r in out} == {"en"}
    assert rules.suggest("x", [], "pt-BR", "ok", {})[0].lang == "en"
    assert rules.suggest("x", [], "ru-RU", "ok", {})[0].lang == "ru"


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_aggression_gets_a_boundary_first(rules, lang):
    out = rules.suggest("...", ["aggression"], lang, "difficult", {})
    assert out[0].step == "boundary_tone"


@pytest.mark.parametrize("lang", ["ru", "en", "de", "pl"])
def test_threat_gets_the_formal_procedure_first(rules, lang):
    out = rules.suggest("...", ["threat"], lang, "watch", {})
    assert out[0].step == "threat_procedure"


def test_other_labels_map_to_their_steps(rules):
    demand = rules.suggest("...", ["unreasonable_demand"], "en", "watch", {})
    assert demand[0].step == "decline_offer"
    night = rules.suggest("...", ["off_hours_pressure"], "ru", "ok", {})
    assert night[0].step == "working_hours"
    both = rules.suggest("...", ["threat", "aggression"], "en", "difficult", {})
    assert [r.step for r in both[:2]] == ["threat_procedure", "boundary_tone"]


@pytest.mark.parametrize("lang", ["ru", "en", "fr"])
def test_consider_parting_offers_part_ways(rules, lang):
    out = rules.suggest("...", ["aggression"], lang, "consider_parting", {})
    assert "part_ways" in [r.step for r in out]
    calm = rules.suggest("...", [], lang, "consider_parting", {})
    assert calm[0].step == "part_ways"


def test_part_ways_is_not_offered_to_a_fine_client(rules):
    for labels in ([], ["aggression"], ["off_hours_pressure"]):
        out = rules.suggest("...", labels, "en", "ok", {}, k=3)
        assert "part_ways" not in [r.step for r in out]


def test_quiet_message_gets_a_neutral_acknowledgement(rules):
    assert rules.suggest("...", [], "ru", "ok", {})[0].step == "acknowledge"


def test_steps_are_distinct_unless_asked(rules):
    out = rules.suggest("...", ["aggression"], "en", "difficult", {}, k=8)
    steps = [r.step for r in out]
    assert len(steps) == len(set(steps))
    repeated = rules.suggest("...", ["aggression"], "en", "difficult", {}, k=3, repeat_steps=True)
    assert [r.step for r in repeated].count("boundary_tone") >= 2


def test_k_and_scores(rules):
    for k in (1, 2, 5):
        out = rules.suggest("...", ["threat", "aggression"], "en", "watch", {}, k=k)
        assert len(out) == min(k, 3)  # threat procedure, boundary, listening
        assert [r.score for r in out] == sorted((r.score for r in out), reverse=True)
    with pytest.raises(ValueError, match="k must"):
        rules.suggest("...", [], "en", "ok", {}, k=0)


def test_bad_labels_and_risk_are_refused(rules):
    with pytest.raises(ValueError, match="unknown label"):
        rules.suggest("...", ["rudeness"], "en", "ok", {})
    with pytest.raises(ValueError, match="unknown risk level"):
        rules.suggest("...", [], "en", "doomed", {})


def test_variables_are_filled(rules):
    values = variables_from(client_name="Ольга Петровна", agent_name="Иван", company="ООО Ромашка")
    for labels in ([], ["aggression"], ["threat"], ["off_hours_pressure"]):
        for r in rules.suggest("...", labels, "ru", "difficult", values, k=5):
            assert r.text.startswith("Здравствуйте, Ольга Петровна!")
            assert r.text.rstrip().endswith("Иван\nООО Ромашка")
            assert not PLACEHOLDER.search(r.text), r.text


def test_defaults_fill_every_reply_in_every_language(rules):
    """No unfilled {...} anywhere, and no empty lines where a variable was."""
    book = rules.playbook
    for t in book.templates:
        frame = book.frames[t.lang]
        text = render(t, frame, {})
        assert "{" not in text and "}" not in text, t.id
        assert "\n\n\n" not in text, t.id
        assert text.startswith(frame.greeting_no_name), t.id
        assert text.rstrip().splitlines()[-1] == frame.defaults["agent_name"]


def test_business_hours_come_from_the_tenant_schedule(rules):
    out = rules.suggest("...", ["off_hours_pressure"], "en", "ok", {}, k=1, hours=HOURS)
    assert "Mon–Thu 08:00–17:00; Fri 08:00–13:00 (Europe/Berlin)" in out[0].text
    ru = rules.suggest("...", ["off_hours_pressure"], "ru", "ok", {}, k=1, hours=HOURS)
    assert "Пн–Чт 08:00–17:00; Пт 08:00–13:00 (Europe/Berlin)" in ru[0].text
    given = rules.suggest("...", ["off_hours_pressure"], "en", "ok",
                          {"business_hours": "around the clock"}, k=1, hours=HOURS)
    assert "around the clock" in given[0].text


def test_default_hours_without_a_schedule(rules):
    frame = rules.playbook.frames["de"]
    assert render_hours(frame).startswith("Mo–Fr 09:00–18:00")
    two = render_hours(frame, {"sat": [["10:00", "12:00"]], "sun": [["10:00", "12:00"]]})
    assert two.startswith("Sa, So 10:00–12:00")


def test_user_values_are_not_expanded_again(rules):
    out = rules.suggest("...", [], "en", "ok", {"client_name": "{agent_name} {x}"}, k=1)
    assert out[0].text.startswith("Hello {agent_name} {x},")


def test_unknown_variables_are_ignored_and_values_cleaned(rules):
    out = rules.suggest("...", [], "en", "ok",
                        {"mood": "grumpy", "agent_name": "  Anna \n Lee "}, k=1)
    assert "grumpy" not in out[0].text
    assert out[0].text.rstrip().endswith("Anna Lee")


def test_fill_drops_lines_whose_variables_are_all_empty():
    assert fill("Kind regards,\n{agent_name}\n{company}", {"agent_name": "A", "company": ""}) == (
        "Kind regards,\nA"
    )
    assert re.search("x", fill("x {company}", {"company": ""}))


def test_short_greeting_takes_the_default_language(rules):
    """'Hallo!' is too short to detect: the service's default language answers it."""
    rules.default_lang = "de"
    try:
        assert rules.resolve_lang("Hallo!", None) == "de"
        assert rules.resolve_lang("Здравствуйте", None) == "ru"  # another script still wins
    finally:
        rules.default_lang = None
