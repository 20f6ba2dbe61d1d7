"""Language of a message (py3langid), limited to the languages toneguard is built for.

Restricting the candidate set makes short helpdesk messages far less likely to be
mistaken for a rare language; anything else is still reported when it clearly wins.
A greeting ("hi", "Привет", "Hallo!") is too short for any statistical guess, so under
`SHORT_TEXT_LETTERS` letters the caller's default language (the tenant's, or the
configured `default_language`) wins unless the detector is nearly certain or the
default is written in another script.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

LANGUAGES = ("ru", "en", "de", "es", "fr", "uk", "pl", "it", "pt", "nl", "cs", "tr", "be", "kk")
MIN_LETTERS = 3
# Below this many letters a detection is a guess ("Hallo!" scores Italian, "Привет"
# Ukrainian); only a near-certain one (e.g. "Dzień dobry", 0.997) beats the default.
SHORT_TEXT_LETTERS = 20
CONFIDENT = 0.95
CYRILLIC_LANGUAGES = frozenset({"ru", "uk", "be", "kk", "bg", "sr", "mk"})
# Letters that occur in one Cyrillic language of the set and not in Russian.
_CYRILLIC_MARKERS = (("uk", "іїєґ"), ("be", "ўі"), ("kk", "әғқңөұүһі"))


@lru_cache(maxsize=1)
def _identifier() -> Any:
    import py3langid.langid as langid

    ident = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
    ident.set_languages(list(LANGUAGES))
    return ident


def _script(letters: str) -> str | None:
    """'cyrillic' or 'latin' when most letters are in that script, else None."""
    cyr = sum("\u0400" <= ch <= "\u04ff" for ch in letters)
    lat = sum(ch.isascii() or "\u00c0" <= ch <= "\u024f" for ch in letters)
    if cyr * 2 > len(letters):
        return "cyrillic"
    if lat * 2 > len(letters):
        return "latin"
    return None


def _script_default(script: str, letters: str) -> str:
    """The likeliest language of a short text in `script` when the default does not fit."""
    if script == "latin":
        return "en"
    lower = letters.lower()
    for lang, marks in _CYRILLIC_MARKERS:
        if any(ch in lower for ch in marks):
            return lang
    return "ru"


def _short_text_language(letters: str, detected: str, prob: float, fallback: str) -> str:
    script = _script(letters)
    if prob >= CONFIDENT or script is None:
        return detected
    fallback_script = "cyrillic" if fallback in CYRILLIC_LANGUAGES else "latin"
    if script == fallback_script:
        return fallback
    return _script_default(script, letters)


def detect_language(text: str, fallback: str | None = None) -> str | None:
    """ISO 639-1 code, or None when there are too few letters to tell.

    `fallback` (the tenant's language) answers for short texts: see the module docstring.
    """
    letters = "".join(ch for ch in text if ch.isalpha())
    if fallback and letters and len(letters) < SHORT_TEXT_LETTERS:
        fallback = fallback.strip().lower()
        if len(letters) < MIN_LETTERS:  # nothing to detect: the script alone decides
            return _short_text_language(letters, fallback, 0.0, fallback)
        lang, prob = _identifier().classify(text)
        return _short_text_language(letters, str(lang), float(prob), fallback)
    if len(letters) < MIN_LETTERS:
        return None
    lang, _prob = _identifier().classify(text)
    return str(lang)
