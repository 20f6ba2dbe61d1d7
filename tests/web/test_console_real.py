"""With the shipped model: the console highlights the words that carry each flag."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fixtures.web import ConsoleServer, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MARKS_JS = """() => [...document.querySelectorAll('.message .msg-text mark')]
  .map(m => ({labels: m.dataset.labels.split(' '), text: m.textContent,
              quoted: !!m.closest('.quoted')}))"""


def _highlighted(page: Any, label: str) -> str:
    """All text highlighted for one label, joined, lower-cased."""
    marks = page.evaluate(MARKS_JS)
    return " ".join(m["text"] for m in marks if label in m["labels"]).lower()


@pytest.mark.parametrize(
    ("role", "label", "words"),
    [
        ("angry", "threat", ("lawyer", "lawsuit")),
        ("angry", "aggression", ("idiots",)),
        ("russian", "threat", ("суд",)),
    ],
)
def test_spans_cover_the_words_that_carry_the_flag(
    console_page: Any, console_server_real: ConsoleServer, console_seed_real: dict[str, str],
    role: str, label: str, words: tuple[str, ...],
) -> None:
    page = console_page
    sign_in(page, console_server_real.api_key, f"/ui/message?id={console_seed_real[role]}")
    page.wait_for_selector(".message .msg-text")
    chips = page.eval_on_selector_all(".message .flags .chip", "cs => cs.map(c => c.dataset.label)")
    assert label in chips
    text = _highlighted(page, label)
    assert any(word in text for word in words), f"{label} highlights {text!r}, wanted {words}"
    # Nothing in the quoted earlier reply is highlighted: the model ignores it.
    assert not any(m["quoted"] for m in page.evaluate(MARKS_JS))
