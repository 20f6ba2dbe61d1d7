"""Language of a message (py3langid), limited to the languages toneguard is built for.

Restricting the candidate set makes short helpdesk messages far less likely to be
mistaken for a rare language; anything else is still reported when it clearly wins.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

logger = logging.getLogger(__name__)

LANGUAGES = ("ru", "en", "de", "es", "fr", "uk", "pl", "it", "pt", "nl", "cs", "tr", "be", "kk")
MIN_LETTERS = 3


@lru_cache(maxsize=1)
def _identifier() -> Any:
    import py3langid.langid as langid

    ident = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
    ident.set_languages(list(LANGUAGES))
    return ident


def detect_language(text: str) -> str | None:
    """ISO 639-1 code, or None when there are too few letters to tell."""
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return None
    lang, _prob = _identifier().classify(text)
    return str(lang)
