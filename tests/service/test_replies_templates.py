"""The playbook files: format validation, coverage per language, tone."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from service.replies import STEPS, TemplateError, load_playbook
from service.replies.templates import DEFAULT_DIR, VARIABLES, placeholders

FIRST_CLASS = ("ru", "en")
OTHER_LANGS = ("de", "es", "fr", "uk", "pl")

# Words that blame or insult the reader; none may appear in any reply we suggest.
BANNED: dict[str, tuple[str, ...]] = {
    "en": ("stupid", "idiot", "your fault", "rude", "liar", "ridiculous", "nonsense",
           "calm down", "hysteric", "crazy", "insane", "pathetic", "incompetent", "you always",
           "you never", "unacceptable behaviour", "shame on you"),
    "ru": ("дурак", "идиот", "глуп", "ваша вина", "по вашей вине", "сами виноваты", "хам",
           "истери", "успокойтесь", "бред", "чушь", "неадекват", "позор"),
    "de": ("dumm", "idiot", "ihre schuld", "unverschämt", "lächerlich", "beruhigen sie sich",
           "hysterisch", "verrückt", "inkompetent", "unsinn"),
    "es": ("estúpid", "idiota", "su culpa", "culpa suya", "ridícul", "tonterí", "cálmese",
           "histéric", "loco", "incompetente", "grosero"),
    "fr": ("stupide", "idiot", "votre faute", "ridicule", "calmez-vous", "hystérique", "fou",
           "incompétent", "grossier", "n'importe quoi"),
    "uk": ("дурн", "ідіот", "ваша провина", "з вашої вини", "самі винні", "хам", "істери",
           "заспокойтеся", "маячня", "нісенітниц", "неадекват"),
    "pl": ("głupi", "idiot", "pana wina", "pani wina", "państwa wina", "śmieszn",
           "proszę się uspokoić", "histeri", "szalon", "niekompetentn", "bzdur", "chamsk"),
}


@pytest.fixture(scope="module")
def book():
    return load_playbook()


def test_every_step_present_in_russian_and_english(book):
    for lang in FIRST_CLASS:
        steps = {t.step for t in book.for_lang(lang)}
        assert steps == set(STEPS), (lang, set(STEPS) - steps)
        assert len(book.for_lang(lang)) >= 20


@pytest.mark.parametrize("lang", OTHER_LANGS)
def test_other_languages_cover_the_playbook(book, lang):
    templates = book.for_lang(lang)
    assert len(templates) >= 8
    assert {t.step for t in templates} == set(STEPS)


def test_every_label_and_risk_level_is_served(book):
    for lang in book.languages():
        templates = book.for_lang(lang)
        for label in ("aggression", "threat", "unreasonable_demand", "off_hours_pressure"):
            assert any(label in t.labels for t in templates), (lang, label)
        for level in ("ok", "watch", "difficult", "consider_parting"):
            assert any(level in t.risk_levels for t in templates), (lang, level)


def test_ids_carry_their_language(book):
    for t in book.templates:
        assert t.id.startswith(f"{t.lang}-"), t.id


def test_no_template_blames_or_insults(book):
    for t in book.templates:
        frame = book.frames[t.lang]
        text = " ".join([t.text, frame.greeting, frame.sign_off]).lower()
        for word in BANNED[t.lang]:
            assert not re.search(r"\b" + re.escape(word), text), (t.id, word)


def test_part_ways_covers_the_whole_goodbye(book):
    """Thank, explain, end the work, refund, recommend, leave the door open."""
    refund = {"en": "refund", "ru": "верн", "de": "erstatt", "es": "reembols", "fr": "rembours",
              "uk": "поверн", "pl": "zwr"}
    thanks = {"en": "thank", "ru": "спасибо", "de": "dank", "es": "gracias", "fr": "merci",
              "uk": "дякуємо", "pl": "dzięk"}
    for t in book.templates:
        if t.step == "part_ways":
            low = t.text.lower()
            assert refund[t.lang] in low, t.id
            assert thanks[t.lang] in low, t.id


# --- validation -------------------------------------------------------------------------

def _write(tmp_path: Path, data: dict[str, Any], lang: str = "en") -> Path:
    (tmp_path / f"{lang}.json").write_text(json.dumps(data), encoding="utf-8")
    return tmp_path


@pytest.fixture
def en_data() -> dict[str, Any]:
    return json.loads((DEFAULT_DIR / "en.json").read_text(encoding="utf-8"))


def test_the_shipped_files_load(en_data, tmp_path):
    book = load_playbook(_write(tmp_path, en_data))
    assert len(book.templates) == len(en_data["templates"])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("step", "shout_back", "unknown step 'shout_back'"),
        ("labels", ["rudeness"], "unknown value 'rudeness'"),
        ("risk_levels", ["doomed"], "unknown value 'doomed'"),
        ("risk_levels", [], "risk_levels must not be empty"),
        ("text", "Hello {customer}", "unknown variable {customer}"),
        ("text", "Hello {client_name", "unbalanced brace"),
        ("text", "   ", "non-empty"),
        ("lang", "ru", "differs from the file's"),
        ("mood", "calm", "unknown field(s) ['mood']"),
    ],
)
def test_bad_template_gives_a_clear_error(en_data, tmp_path, field, value, message):
    data = copy.deepcopy(en_data)
    data["templates"][0][field] = value
    with pytest.raises(TemplateError) as err:
        load_playbook(_write(tmp_path, data))
    assert message in str(err.value)
    assert data["templates"][0]["id"] in str(err.value)


def test_missing_field_and_duplicate_id(en_data, tmp_path):
    data = copy.deepcopy(en_data)
    del data["templates"][0]["step"]
    with pytest.raises(TemplateError, match=r"missing field\(s\) \['step'\]"):
        load_playbook(_write(tmp_path, data))
    data = copy.deepcopy(en_data)
    data["templates"][1]["id"] = data["templates"][0]["id"]
    with pytest.raises(TemplateError, match="duplicate template id"):
        load_playbook(_write(tmp_path, data))


def test_frame_errors(en_data, tmp_path):
    data = copy.deepcopy(en_data)
    del data["defaults"]["agent_name"]
    with pytest.raises(TemplateError, match="defaults missing"):
        load_playbook(_write(tmp_path, data))
    data = copy.deepcopy(en_data)
    data["weekdays"] = ["Mon"]
    with pytest.raises(TemplateError, match="7 names"):
        load_playbook(_write(tmp_path, data))
    data = copy.deepcopy(en_data)
    data["templates"][0]["text"] = "Greetings from {company}."  # company's default is empty
    with pytest.raises(TemplateError, match="default is empty"):
        load_playbook(_write(tmp_path, data))


def test_file_level_errors(en_data, tmp_path):
    with pytest.raises(TemplateError, match=r"no <lang>\.json"):
        load_playbook(tmp_path)
    (tmp_path / "en.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(TemplateError, match="cannot read JSON"):
        load_playbook(tmp_path)
    _write(tmp_path, en_data, lang="de")  # the lang field says en
    (tmp_path / "en.json").unlink()
    with pytest.raises(TemplateError, match="two-letter code in the file name"):
        load_playbook(tmp_path)


def test_english_is_required_as_fallback(tmp_path):
    ru = json.loads((DEFAULT_DIR / "ru.json").read_text(encoding="utf-8"))
    with pytest.raises(TemplateError, match="English"):
        load_playbook(_write(tmp_path, ru, lang="ru"))


def test_only_known_variables_are_used(book):
    for t in book.templates:
        assert set(placeholders(t.text)) <= set(VARIABLES)
