"""The classifier sees only the sender's new text; spans and ignored ranges point into the email.

The tiny random model checks the wiring (same scores with or without the quoted chain);
the slow tests check the behaviour with the shipped model when it has been trained.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from classifier.email_cleanup import clean_message

EMAILS = Path(__file__).parent / "emails"
SHIPPED = Path(__file__).resolve().parents[2] / "models" / "toneguard-e5-small"
SEPARATOR = "\n#### EXPECTED ####\n"

CALM_OVER_AGGRESSIVE = [
    "en_01_gmail_calm_over_aggressive.txt",
    "ru_01_gmail_calm_over_aggressive.txt",
    "de_01_calm_over_aggressive.txt",
]
AGGRESSIVE_OVER_CALM = [
    "en_02_aggressive_over_calm.txt",
    "ru_02_aggressive_over_calm.txt",
]


def _email(name: str) -> tuple[str, str]:
    body, expected = (EMAILS / name).read_text(encoding="utf-8").split(SEPARATOR)
    return body, expected.strip("\n")


@pytest.mark.parametrize("name", CALM_OVER_AGGRESSIVE + AGGRESSIVE_OVER_CALM)
def test_quoted_chain_does_not_change_the_scores(tiny_classifier: Any, name: str) -> None:
    body, new_text = _email(name)
    with_chain, alone = tiny_classifier.predict_proba([body, new_text])
    np.testing.assert_allclose(with_chain, alone, rtol=1e-5, atol=1e-6)
    pred = tiny_classifier.predict(body)
    assert pred.text == body
    assert pred.ignored_ranges == clean_message(body).ignored_ranges
    assert pred.ignored_ranges, "the quoted chain must be reported as ignored"


def _inside_new_text(body: str, start: int, end: int) -> bool:
    cleaned = clean_message(body)
    first, last = cleaned.to_original(0, len(cleaned.text))
    outside_ignored = all(end <= a or start >= b for a, b in cleaned.ignored_ranges)
    return first <= start < end <= last and outside_ignored


@pytest.fixture(scope="module")
def shipped_model() -> Any:
    if not (SHIPPED / "config.json").exists():
        pytest.skip(f"no trained model at {SHIPPED}")
    from classifier.model import ToneClassifier

    return ToneClassifier.from_pretrained(SHIPPED)


@pytest.mark.slow
@pytest.mark.parametrize("name", CALM_OVER_AGGRESSIVE)
def test_calm_reply_above_aggressive_quote_is_not_flagged(shipped_model: Any, name: str) -> None:
    body, _ = _email(name)
    pred = shipped_model.predict(body)
    assert pred.labels == [], (pred.labels, pred.scores)
    assert pred.spans == []
    # The quote alone *is* aggressive: the clean-up is what keeps the reply unflagged.
    quote = "\n".join(line.lstrip("> ") for line in body.splitlines() if line.startswith(">"))
    assert "aggression" in shipped_model.predict(quote).labels or "threat" in (
        shipped_model.predict(quote).labels
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", AGGRESSIVE_OVER_CALM)
def test_aggressive_reply_above_calm_quote_is_flagged_in_the_new_text(
    shipped_model: Any, name: str
) -> None:
    body, _ = _email(name)
    pred = shipped_model.predict(body)
    assert pred.labels, pred.scores
    assert pred.spans
    for span in pred.spans:
        assert body[span.start : span.end] == span.text
        assert _inside_new_text(body, span.start, span.end), span
