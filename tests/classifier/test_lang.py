"""Language detection: greetings too short to detect take the tenant's default language."""

from __future__ import annotations

import pytest

from classifier.lang import detect_language


@pytest.mark.parametrize(("text", "fallback", "expected"), [
    ("hi", "en", "en"),
    ("Hallo!", "en", "en"),   # plain detection says Italian
    ("Hallo!", "de", "de"),
    ("hello", "de", "de"),
    ("Привет", "en", "ru"),   # plain detection says Ukrainian; English cannot be Cyrillic
    ("Привет", "ru", "ru"),
    ("Привіт", "en", "uk"),   # і is Ukrainian, not Russian
    ("ok", "de", "de"),
    ("Dzień dobry", "en", "pl"),  # short, but the detector is certain
])
def test_short_messages_fall_back_to_the_tenants_language(text: str, fallback: str,
                                                         expected: str) -> None:
    assert detect_language(text, fallback) == expected


def test_long_messages_are_detected_whatever_the_default() -> None:
    assert detect_language("Hi, where is my order? I paid for it last week.", "de") == "en"
    assert detect_language("Здравствуйте, где мой заказ? Я оплатил его на прошлой неделе.",
                           "en") == "ru"


def test_without_a_default_detection_is_unchanged() -> None:
    assert detect_language("hi") is None  # too few letters to tell
    assert detect_language("👍👍", "en") is None  # no letters at all: no language


def test_the_classifier_uses_its_default_language(tiny_classifier_dir) -> None:
    from classifier.model import ToneClassifier

    clf = ToneClassifier.from_pretrained(tiny_classifier_dir)
    assert clf.predict("Hallo!").lang != "en"
    clf.default_language = "en"
    assert clf.predict("Hallo!").lang == "en"
    assert clf.predict("Привет!").lang == "ru"
