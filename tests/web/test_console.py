"""The agent console in a real browser against the real service (tiny model).

Every check compares what the page shows with what the API says, so the tests hold
for any model; which words the shipped model highlights is checked in
test_console_real.py.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest

from tests.fixtures.web import (
    HOSTILE_CLIENT,
    HOSTILE_TEXT,
    ConsoleServer,
    save_screenshot,
    sign_in,
)

pytestmark = pytest.mark.browser

LABEL_NAMES = {
    "aggression": "Aggression",
    "threat": "Threat",
    "unreasonable_demand": "Unreasonable demand",
    "off_hours_pressure": "Off-hours pressure",
}
RISK_NAMES = {
    "ok": "OK", "watch": "Watch", "difficult": "Difficult", "consider_parting": "Consider parting",
}

# Text of every highlighted span, rebuilt from the marks that carry its index.
SPAN_TEXTS_JS = """() => {
  const out = {};
  for (const m of document.querySelectorAll('.message .msg-text mark[data-spans]')) {
    for (const i of m.dataset.spans.split(' ')) out[i] = (out[i] || '') + m.textContent;
  }
  return out;
}"""


def _inbox_ids(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "table.inbox tbody tr", "rows => rows.map(r => r.dataset.messageId)"
    )


def _chip_labels(page: Any, selector: str) -> list[str]:
    return page.eval_on_selector_all(
        f"{selector} .chip", "cs => cs.map(c => c.dataset.label)"
    )


def test_key_prompt_then_inbox_newest_first(
    console_page: Any, console_server: ConsoleServer, console_seed: dict[str, str]
) -> None:
    page = console_page
    page.goto("/")
    page.fill("#api-key", "tg_not-a-real-key")
    page.click(".key-form button[type=submit]")
    page.wait_for_selector(".key-form .error")
    assert "not accepted" in page.inner_text(".key-form .error")

    page.fill("#api-key", console_server.api_key)
    page.click(".key-form button[type=submit]")
    page.wait_for_selector("main[data-ready=true] table.inbox")
    assert page.evaluate("sessionStorage.getItem('toneguard.apiKey')") == console_server.api_key

    listed = console_server.api("GET", "/v1/messages", params={"limit": 25})
    assert _inbox_ids(page) == [m["message_id"] for m in listed["items"]]
    for item in listed["items"]:
        row = f'tr[data-message-id="{item["message_id"]}"]'
        assert _chip_labels(page, row) == item["labels"]
        for label in item["labels"]:  # color is never the only cue: the chip names it
            assert LABEL_NAMES[label] in page.inner_text(f'{row} .chip[data-label="{label}"]')
        marked = page.locator(f"{row} .off-hours").count() == 1
        assert marked == bool(item["outside_business_hours"])
    angry = f'tr[data-message-id="{console_seed["angry"]}"]'
    assert page.locator(f"{angry} .off-hours").count() == 1  # sent at 23:40
    assert "acme-ltd" in page.inner_text(angry)
    assert "email" in page.inner_text(angry)

    # The key stays for the tab session: another page opens without asking again.
    page.goto("/ui/try")
    page.wait_for_selector("main[data-ready=true] #try-text")


def test_inbox_filters_by_label_and_risk(
    console_page: Any, console_server: ConsoleServer, console_seed: dict[str, str]
) -> None:
    # Make the labels deterministic whatever the tiny model said.
    console_server.api("POST", "/v1/feedback",
                       json={"message_id": console_seed["angry"], "labels": ["threat"]})
    page = console_page
    sign_in(page, console_server.api_key)

    page.select_option("#f-label", "threat")
    page.click(".filters button[type=submit]")
    page.wait_for_url(re.compile(r"[?&]label=threat(&|$)"))
    page.wait_for_selector("main[data-ready=true]")
    expected = console_server.api("GET", "/v1/messages", params={"label": "threat", "limit": 25})
    ids = _inbox_ids(page)
    assert console_seed["angry"] in ids
    assert ids == [m["message_id"] for m in expected["items"]]
    for mid in ids:
        assert "threat" in _chip_labels(page, f'tr[data-message-id="{mid}"]')
    assert page.input_value("#f-label") == "threat"  # the form shows the active filter

    level = console_server.api("GET", "/v1/clients/acme-ltd")["risk_level"]
    page.select_option("#f-label", "")
    page.select_option("#f-risk", level)
    page.click(".filters button[type=submit]")
    page.wait_for_url(re.compile(rf"[?&]risk={level}(&|$)"))
    page.wait_for_selector("main[data-ready=true]")
    expected = console_server.api(
        "GET", "/v1/messages", params={"risk_level": level, "limit": 25}
    )
    assert _inbox_ids(page) == [m["message_id"] for m in expected["items"]]
    assert console_seed["angry"] in _inbox_ids(page)
    for badge in page.locator("table.inbox .risk").all_inner_texts():
        assert badge == RISK_NAMES[level]


def test_message_view_highlights_spans_and_greys_quotes(
    console_page: Any, console_server: ConsoleServer, console_seed: dict[str, str]
) -> None:
    page = console_page
    sign_in(page, console_server.api_key)
    page.click(f'tr[data-message-id="{console_seed["angry"]}"] td.snippet a')
    page.wait_for_selector("main[data-ready=true] .message .msg-text")
    msg = console_server.api("GET", f"/v1/messages/{console_seed['angry']}")

    assert page.inner_text(".message .msg-text") == msg["text"]
    shown = page.evaluate(SPAN_TEXTS_JS)
    # Spans of the labels the message has now (a correction may have removed some).
    current = {i: s for i, s in enumerate(msg["spans"]) if s["label"] in msg["labels"]}
    assert sorted(shown) == sorted(str(i) for i in current)
    for i, span in current.items():
        assert shown[str(i)] == span["text"]
        title = page.get_attribute(f'.message mark[data-spans~="{i}"]', "title") or ""
        assert f"{LABEL_NAMES[span['label']]}: {round(span['score'] * 100)}%" in title
    legend = page.eval_on_selector_all(".legend mark", "ms => ms.map(m => m.dataset.label)")
    assert legend == [label for label in LABEL_NAMES if label in msg["labels"]]

    # The quoted earlier reply is greyed, exactly over the ranges the service ignored.
    chars = list(msg["text"])
    quoted = page.eval_on_selector_all(
        ".message .msg-text .quoted", "qs => qs.map(q => q.textContent)"
    )
    assert msg["ignored_ranges"], "the quoted reply should be recognised"
    assert quoted == ["".join(chars[a:b]) for a, b in msg["ignored_ranges"]]
    assert "Support wrote" in "".join(quoted)
    grey = page.eval_on_selector(".message .msg-text .quoted", "q => getComputedStyle(q).fontStyle")
    assert grey == "italic"  # not only a color change


def test_copy_reply_to_clipboard(
    console_page: Any, console_server: ConsoleServer, console_seed: dict[str, str]
) -> None:
    page = console_page
    sign_in(page, console_server.api_key, f"/ui/message?id={console_seed['angry']}")
    page.wait_for_selector(".reply .copy")
    first = page.inner_text(".reply .reply-text")
    suggested = console_server.api(
        "POST", "/v1/replies/suggest", json={"message_id": console_seed["angry"]}
    )
    assert first == suggested["replies"][0]["text"]
    page.click(".reply .copy")
    page.wait_for_selector(".reply .copy[data-copied=yes]")
    assert page.evaluate("navigator.clipboard.readText()") == first
    assert page.inner_text(".reply .copy-note") == "Copied"


def test_feedback_by_keyboard(
    console_page: Any, console_server: ConsoleServer, console_seed: dict[str, str]
) -> None:
    mid = console_seed["feedback"]
    before = console_server.api("GET", f"/v1/messages/{mid}")
    page = console_page
    sign_in(page, console_server.api_key, f"/ui/message?id={quote(mid)}")
    toggle = page.locator(".feedback > button")
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    # Focus moved into the form: tick exactly "unreasonable_demand" with the keyboard.
    for label in LABEL_NAMES:
        box = page.locator(f"#fb-{label}")
        if box.is_checked() != (label == "unreasonable_demand"):
            box.focus()
            page.keyboard.press("Space")
    page.locator(".feedback-form button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".feedback-status[data-state=saved]")

    after = console_server.api("GET", f"/v1/messages/{mid}")
    assert after["labels"] == ["unreasonable_demand"]
    assert after["corrected"] is True
    assert after["model_labels"] == before["model_labels"]


def test_client_card(
    console_page: Any, console_server: ConsoleServer, console_seed: dict[str, str]
) -> None:
    page = console_page
    sign_in(page, console_server.api_key, f"/ui/message?id={console_seed['angry']}")
    page.click("a.client-link")
    page.wait_for_selector("main[data-ready=true] table.counts")
    card = console_server.api("GET", "/v1/clients/acme-ltd")

    assert page.inner_text(".risk-line .risk") == RISK_NAMES[card["risk_level"]]
    reasons = page.locator(".reasons li").all_inner_texts()
    assert reasons == [r["text"] for r in card["reasons"]]
    for label in LABEL_NAMES:
        cells = page.locator(f'table.counts tr[data-label="{label}"] td').all_inner_texts()
        assert cells == [str(card["counts_7d"][label]), str(card["counts_30d"][label]),
                         str(card["counts"][label])]
    bars = page.eval_on_selector_all(
        "svg.timeline:not(.stacked) rect",
        "rs => rs.map(r => [r.dataset.day, Number(r.dataset.flagged)])",
    )
    assert bars == [[d["date"], d["flagged"]] for d in card["timeline"]]
    assert sum(n for _, n in bars) >= 1  # the angry message, whatever its labels
    evidence = page.eval_on_selector_all(
        ".evidence-item", "items => items.map(i => i.dataset.messageId)"
    )
    assert evidence == [e["message_id"] for e in card["evidence"]]
    assert console_seed["angry"] in evidence


def test_clients_by_risk_lead_to_the_card(
    console_page: Any, console_server: ConsoleServer, console_seed: dict[str, str]
) -> None:
    page = console_page
    sign_in(page, console_server.api_key, "/ui/clients")
    listed = console_server.api("GET", "/v1/clients", params={"limit": 50})
    ids = page.eval_on_selector_all(
        "table.clients tbody tr", "rs => rs.map(r => r.dataset.clientId)"
    )
    assert ids == [c["client_id"] for c in listed["items"]]
    assert {"acme-ltd", "ivanov", HOSTILE_CLIENT} <= set(ids)
    badges = page.locator("table.clients tbody .risk").all_inner_texts()
    assert badges == [RISK_NAMES[c["risk_level"]] for c in listed["items"]]
    page.click('tr[data-client-id="acme-ltd"] a')
    page.wait_for_selector("main[data-ready=true] table.counts")
    assert page.inner_text("main h1") == "Client acme-ltd"


def test_try_it_shows_flags_and_stores_nothing(
    console_page: Any, console_server: ConsoleServer, console_seed: dict[str, str]
) -> None:
    text = "Answer me right now or I will tell everyone how awful you are!"
    total_before = console_server.api("GET", "/v1/messages")["total"]
    page = console_page
    sign_in(page, console_server.api_key, "/ui/try")
    page.fill("#try-text", text)
    page.fill("#try-sent-at", "2026-11-21T23:30")  # a Saturday night, UTC tab
    page.click(".try-form button[type=submit]")
    page.wait_for_selector(".try-result .msg-text")

    expected = console_server.api(
        "POST", "/v1/classify",
        json={"messages": [{"text": text, "sent_at": "2026-11-21T23:30:00Z"}]},
    )["results"][0]
    assert _chip_labels(page, ".try-result .flags") == expected["labels"]
    assert page.inner_text(".try-result .msg-text") == text
    assert page.locator(".try-result .off-hours").count() == int(
        bool(expected["outside_business_hours"])
    )
    assert page.locator(".try-result .reply").count() >= 1
    assert console_server.api("GET", "/v1/messages")["total"] == total_before
    save_screenshot(page, "try_it_result")

    page.fill("#try-text", "   ")
    page.click(".try-form button[type=submit]")
    page.wait_for_selector(".try-result .error")


def test_hostile_html_is_shown_as_text(
    console_page: Any, console_server: ConsoleServer, console_seed: dict[str, str]
) -> None:
    page = console_page
    sign_in(page, console_server.api_key)
    row = f'tr[data-message-id="{console_seed["hostile"]}"]'
    assert HOSTILE_CLIENT in page.inner_text(row)
    assert "<b>chat</b>" in page.inner_text(row)
    assert page.locator("main img, main script, main b, main i").count() == 0

    page.click(f"{row} td.snippet a")
    page.wait_for_selector("main[data-ready=true] .message .msg-text")
    assert page.inner_text(".message .msg-text") == HOSTILE_TEXT
    assert page.inner_text("h1") == "<i>Order</i>"
    tags = page.eval_on_selector_all(".message .msg-text *", "es => es.map(e => e.tagName)")
    assert set(tags) <= {"MARK", "SPAN"}

    page.click("a.client-link")
    page.wait_for_selector("main[data-ready=true] table.counts")
    assert HOSTILE_CLIENT in page.inner_text("h1")
    assert page.locator("main img, main script").count() == 0

    # A hostile id in the page address is escaped by the template and the API says 404.
    page.goto("/ui/message?id=" + quote('"><script>window.__pwned=4</script>'))
    page.wait_for_selector("main[data-ready=true] .error")
    assert "Not found" in page.inner_text("main .error")
    assert page.evaluate("window.__pwned") is None


@pytest.mark.parametrize("console_page", ["ru-RU"], indirect=True)
def test_language_follows_browser_with_switch(
    console_page: Any, console_server: ConsoleServer, console_seed: dict[str, str]
) -> None:
    page = console_page
    page.goto("/")
    assert page.inner_text(".key-form h1") == "Вход по API-ключу"
    page.fill("#api-key", console_server.api_key)
    page.click(".key-form button[type=submit]")
    page.wait_for_selector("main[data-ready=true] table.inbox")
    assert page.get_attribute("html", "lang") == "ru"
    assert page.inner_text("main h1") == "Входящие"
    assert page.inner_text('nav a[data-nav="inbox"]') == "Входящие"
    assert page.get_attribute('button[data-lang="ru"]', "aria-pressed") == "true"

    page.click('button[data-lang="en"]')
    page.wait_for_selector("main[data-ready=true] table.inbox")
    assert page.inner_text("main h1") == "Inbox"
    assert page.get_attribute("html", "lang") == "en"
    page.reload()  # the choice sticks
    page.wait_for_selector("main[data-ready=true] table.inbox")
    assert page.inner_text("main h1") == "Inbox"
    page.click('button[data-lang="ru"]')
    page.wait_for_selector("main[data-ready=true] table.inbox")

    # Reasons arrive in English from the API and are said again in Russian from their code.
    console_server.api("POST", "/v1/feedback",
                       json={"message_id": console_seed["russian"], "labels": ["threat"]})
    card = console_server.api("GET", "/v1/clients/ivanov")
    page.goto("/ui/client?id=ivanov")
    page.wait_for_selector("main[data-ready=true] table.counts")
    assert page.inner_text("main h1") == "Клиент ivanov"
    reasons = page.locator(".reasons li").all_inner_texts()
    assert len(reasons) == len(card["reasons"]) >= 1
    assert all(re.search("[а-я]", r) for r in reasons), reasons
    assert "30 дней" in reasons[0]
