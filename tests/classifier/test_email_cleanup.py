"""Behaviour of the clean-up API itself: identity for chat text, offsets, HTML."""

from __future__ import annotations

import re

import pytest

from classifier.email_cleanup import clean_message, html_to_text, looks_like_html


def _assert_maps_back(original: str, cleaned_text: str, to_original) -> None:  # type: ignore[no-untyped-def]
    for match in re.finditer(r"\w+", cleaned_text):
        a, b = to_original(match.start(), match.end())
        assert original[a:b] == match.group(0)


@pytest.mark.parametrize(
    "text",
    [
        "You people are useless, fix it NOW!",
        "Здравствуйте, подскажите статус заказа?\nСпасибо",
        "Line one\nline two with a > sign inside\n",
        "",
        "Я вам уже писал:\nвсё сломалось снова.",
    ],
)
def test_chat_text_is_returned_unchanged_with_identity_map(text: str) -> None:
    cleaned = clean_message(text)
    assert cleaned.text == text
    assert cleaned.is_identity
    assert cleaned.ignored_ranges == []
    assert cleaned.to_original(0, len(text)) == (0, len(text))


def test_quoted_reply_is_dropped_and_offsets_map_back() -> None:
    original = (
        "Fine, thanks for sorting it out.\n\n"
        "On Tue, Nov 24, 2026 at 9:14 AM Support <help@example.com> wrote:\n"
        "> We have refunded the order.\n"
    )
    cleaned = clean_message(original)
    assert cleaned.text == "Fine, thanks for sorting it out."
    _assert_maps_back(original, cleaned.text, cleaned.to_original)
    [(start, end)] = cleaned.ignored_ranges
    assert original[start:end].startswith("On Tue")
    assert original[start:end].endswith("refunded the order.")


def test_to_original_rejects_out_of_range() -> None:
    cleaned = clean_message("a\n> b")
    with pytest.raises(ValueError):
        cleaned.to_original(0, 5)


def test_empty_range_maps_to_a_point() -> None:
    original = "Hello\n\n-- \nJane"
    cleaned = clean_message(original)
    assert cleaned.text == "Hello"
    assert cleaned.to_original(5, 5) == (5, 5)
    assert cleaned.to_original(1, 1) == (1, 1)


def test_html_body_is_converted_and_maps_into_the_html() -> None:
    html = (
        "<html><head><style>p{color:red}</style></head><body>"
        "<p>This is &laquo;unacceptable&raquo; &amp; I want a refund.</p>"
        "<div>Call me<br>tomorrow</div><script>alert(1)</script></body></html>"
    )
    assert looks_like_html(html)
    cleaned = clean_message(html)
    assert cleaned.text == "This is «unacceptable» & I want a refund.\n\nCall me\ntomorrow"
    _assert_maps_back(html, cleaned.text, cleaned.to_original)
    amp = cleaned.text.index("&")
    assert html[slice(*cleaned.to_original(amp, amp + 1))] == "&amp;"
    whole = cleaned.to_original(0, len(cleaned.text))
    assert html[whole[0] : whole[1]].startswith("This is")
    assert html[whole[0] : whole[1]].endswith("tomorrow")


def test_html_blockquote_is_treated_as_quote() -> None:
    html = (
        "<div>Stop ignoring me.</div><div class=gmail_quote>"
        "<div>On Mon, Nov 23, 2026 at 10:00 AM Ann &lt;ann@example.com&gt; wrote:</div>"
        "<blockquote>We are happy to help.</blockquote></div>"
    )
    cleaned = clean_message(html)
    assert cleaned.text == "Stop ignoring me."
    (start, end), = cleaned.ignored_ranges
    assert "We are happy to help." in html[start:end]


def test_html_to_text_keeps_breaks_and_drops_scripts() -> None:
    assert html_to_text("<p>a</p><p>b<br/>c</p><style>x</style>") == "a\n\nb\nc"
    assert html_to_text("<ul><li>one</li><li>two</li></ul>") == "one\ntwo"
    assert html_to_text("x&nbsp;&nbsp;y &#8212; z") == "x y — z"


@pytest.mark.parametrize("text", ["a < b and c > d", "use <br> here", "2 < 3"])
def test_plain_text_with_angle_brackets_is_not_html(text: str) -> None:
    assert not looks_like_html(text)


def test_bare_double_dash_in_chat_is_not_a_signature() -> None:
    text = "Order A is fine\n--\n" + "\n".join(f"Item {i} arrived broken and nobody answers" * 3
                                                for i in range(3))
    assert clean_message(text).text == text
    signed = "Please call me.\n--\nAnna Berg\n+49 30 1234567"
    assert clean_message(signed).text == "Please call me."
