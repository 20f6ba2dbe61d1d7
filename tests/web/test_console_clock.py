"""The console's times, overlapping spans, corrections, search and narrow screens, in Chromium.

Each check compares the page with what the API says, so it holds for the tiny test model.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from tests.fixtures.web import ConsoleServer, save_screenshot, sign_in

pytestmark = pytest.mark.browser

STEP_NAMES = {
    "acknowledge": "acknowledge", "apologise": "apologise",
    "boundary_tone": "set a boundary on tone", "decline_offer": "decline and offer an alternative",
    "late_payment": "late payment", "listen": "listen", "part_ways": "part ways",
    "threat_procedure": "answer a threat with the complaints procedure",
    "working_hours": "working hours",
}


@pytest.fixture
def tab(request: pytest.FixtureRequest, chromium_browser: Any,
        console_server: ConsoleServer) -> Iterator[Any]:
    """A tab with the time zone and viewport the test names (default Tokyo, 1366 px)."""
    zone, width = getattr(request, "param", ("Asia/Tokyo", 1366))
    errors: list[str] = []
    context = chromium_browser.new_context(
        base_url=console_server.base_url, locale="en-US", timezone_id=zone,
        viewport={"width": width, "height": 900})
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield page
        save_screenshot(page, request.node.name)
        assert not errors, errors
    finally:
        context.close()


def _moscow(days_ago: int, hour: int, minute: int) -> str:
    zone = timezone(timedelta(hours=3))
    day = datetime.now(UTC).astimezone(zone) - timedelta(days=days_ago)
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0).isoformat()


def test_try_it_sends_the_time_as_typed_with_the_senders_offset(
    tab: Any, console_server: ConsoleServer
) -> None:
    page = tab
    sign_in(page, console_server.api_key, "/ui/try")
    assert page.input_value("#try-offset") == "540"  # the browser's own offset (Tokyo)
    page.fill("#try-text", "Could you check my order status, please?")
    page.fill("#try-sent-at", "2026-11-24T19:30")  # Tuesday evening in Tokyo, 10:30 UTC
    with page.expect_request(re.compile(r"/v1/classify$")) as req:
        page.click(".try-form button[type=submit]")
    page.wait_for_selector(".try-result .msg-text")
    sent = req.value.post_data_json["messages"][0]["sent_at"]
    assert sent == "2026-11-24T19:30:00+09:00"
    assert page.locator(".try-result .off-hours").count() == 1  # after 18:00 for the sender
    assert "(sender, UTC+9)" in page.inner_text(".try-result .judged-at")
    assert "7:30" in page.inner_text(".try-result .judged-at")

    page.select_option("#try-offset", "0")  # the agent says the sender was on UTC
    with page.expect_request(re.compile(r"/v1/classify$")) as req:
        page.click(".try-form button[type=submit]")
    page.wait_for_selector(".try-result .msg-text")
    assert req.value.post_data_json["messages"][0]["sent_at"] == "2026-11-24T19:30:00+00:00"


def test_inbox_shows_the_senders_clock_and_sorts_by_send_time(
    tab: Any, console_server: ConsoleServer
) -> None:
    # Sent late at night in Moscow six days ago, delivered after a message sent an hour ago.
    console_server.ingest("clock-recent", "clock-co", "Hello, where is my parcel?",
                          (datetime.now(UTC) - timedelta(hours=1)).isoformat())
    console_server.ingest("clock-night", "clock-co", "Answer me now, it is urgent!",
                          _moscow(6, 23, 40))
    page = tab
    sign_in(page, console_server.api_key, "/?client=clock")
    ids = page.eval_on_selector_all("table.inbox tbody tr",
                                    "rs => rs.map(r => r.dataset.messageId)")
    assert ids == ["clock-recent", "clock-night"]  # by send time, not arrival
    night = page.inner_text('tr[data-message-id="clock-night"] .when')
    assert "11:40" in night and "(sender, UTC+3)" in night
    assert "Newest first by send time" in page.inner_text(".sort-note")
    assert page.inner_text("table.inbox thead th >> nth=0") == "Sent"

    # The client list shows the last message's send time on the sender's clock.
    page.goto("/ui/clients?q=clock-co")
    page.wait_for_selector("main[data-ready=true] table.clients")
    last = page.inner_text('tr[data-client-id="clock-co"] .last-message')
    assert "(sender, UTC+0)" in last or "(sender, UTC)" in last
    card = console_server.api("GET", "/v1/clients/clock-co")
    assert card["last_message"]["message_id"] == "clock-recent"

    page.goto("/ui/message?id=clock-night")
    page.wait_for_selector("main[data-ready=true] .meta")
    assert "(sender, UTC+3)" in page.inner_text(".meta")


def test_client_filter_is_a_search(tab: Any, console_server: ConsoleServer) -> None:
    console_server.ingest("search-1", "Maria.Lopez@Example.org", "Hi, a question about my bill.",
                          datetime.now(UTC).isoformat())
    page = tab
    sign_in(page, console_server.api_key)
    page.fill("#f-client", "LOPEZ")
    page.click(".filters button[type=submit]")
    page.wait_for_url(re.compile(r"[?&]client=LOPEZ"))
    page.wait_for_selector("main[data-ready=true] table.inbox")
    clients = page.eval_on_selector_all("table.inbox td.client a",
                                        "as => as.map(a => a.textContent)")
    assert clients and set(clients) == {"Maria.Lopez@Example.org"}


def test_overlapping_spans_keep_every_labels_colour(
    tab: Any, console_server: ConsoleServer
) -> None:
    page = tab
    sign_in(page, console_server.api_key, "/ui/try")
    colours = page.evaluate("""async () => {
      const { highlightedText } = await import('/ui/static/highlight.js');
      const text = 'Pay today or my lawyer calls, you clowns.';
      const spans = [
        { label: 'threat', start: 0, end: 28, text: '', score: 0.9 },
        { label: 'unreasonable_demand', start: 0, end: 9, text: '', score: 0.6 },
        { label: 'aggression', start: 4, end: 41, text: '', score: 0.7 },
      ];
      const box = highlightedText(text, spans, [], null);
      document.querySelector('main').append(box);
      const root = getComputedStyle(document.documentElement);
      const css = (name) => root.getPropertyValue(name).trim();
      const probe = document.createElement('span');
      document.body.append(probe);
      const rgb = (v) => { probe.style.color = v; return getComputedStyle(probe).color; };
      const want = Object.fromEntries(['threat', 'aggression', 'unreasonable_demand']
        .map((l) => [l, rgb(css('--' + l))]));
      const out = [];
      for (const mark of box.querySelectorAll('mark')) {
        const seen = new Set([getComputedStyle(mark).textDecorationColor]);
        for (const line of mark.querySelectorAll('.hl-line')) {
          seen.add(getComputedStyle(line).textDecorationColor);
        }
        const labels = [...new Set(mark.dataset.labels.split(' '))];
        out.push({ text: mark.textContent, ok: labels.every((l) => seen.has(want[l])),
                   labels });
      }
      return out;
    }""")
    overlapping = [c for c in colours if len(c["labels"]) > 1]
    assert overlapping, colours
    assert all(c["ok"] for c in colours), colours


def test_correction_refreshes_the_view_and_is_marked(
    tab: Any, console_server: ConsoleServer
) -> None:
    console_server.ingest("fix-view", "fixer", "Please send the contract again.",
                          datetime.now(UTC).isoformat(), channel="email")
    console_server.api("POST", "/v1/feedback", json={"message_id": "fix-view", "labels": []})
    page = tab
    sign_in(page, console_server.api_key, "/ui/message?id=fix-view")
    assert "null" not in page.inner_text("main")
    page.click(".feedback > button")
    page.check("#fb-threat")
    page.fill("#fb-agent", "Olga")
    page.click(".feedback-form button[type=submit]")
    page.wait_for_selector(".feedback-status[data-state=saved]")
    page.wait_for_selector(".message .correction-mark")
    assert "Corrected by Olga" in page.inner_text(".message .correction-mark")
    chips = page.eval_on_selector_all(".message .flags .chip", "cs => cs.map(c => c.dataset.label)")
    assert chips == ["threat"]
    page.reload()
    page.wait_for_selector("main[data-ready=true] .message .correction-mark")
    assert "Corrected by Olga" in page.inner_text(".message .correction-mark")
    assert "(Asia/Tokyo, tenant)" not in page.inner_text(".correction-mark")  # tenant: UTC


def test_no_literal_null_and_steps_are_words(
    tab: Any, console_server: ConsoleServer, console_seed: dict[str, str]
) -> None:
    page = tab
    console_server.api("POST", "/v1/feedback",
                       json={"message_id": console_seed["polite"], "labels": []})
    for path in ("/", f"/ui/message?id={console_seed['polite']}",
                 f"/ui/message?id={console_seed['angry']}", "/ui/client?id=acme-ltd",
                 "/ui/clients"):
        sign_in(page, console_server.api_key, path) if path == "/" else page.goto(path)
        page.wait_for_selector("main[data-ready=true]")
        page.wait_for_load_state("networkidle")
        text = page.inner_text("main")
        assert not re.search(r"\bnull\b|\bundefined\b", text), (path, text)
        for step in page.eval_on_selector_all(".reply-tools [data-step]",
                                              "ss => ss.map(s => [s.dataset.step, s.textContent])"):
            assert step[1] == f"Step: {STEP_NAMES[step[0]]}", step


@pytest.mark.parametrize("tab", [("UTC", 768)], indirect=True)
def test_nothing_scrolls_sideways_at_768_px(
    tab: Any, console_server: ConsoleServer, console_seed: dict[str, str]
) -> None:
    page = tab
    for path in ("/", f"/ui/message?id={console_seed['angry']}", "/ui/client?id=acme-ltd",
                 "/ui/clients", "/ui/try"):
        sign_in(page, console_server.api_key, path) if path == "/" else page.goto(path)
        page.wait_for_selector("main[data-ready=true]")
        page.wait_for_load_state("networkidle")
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], (path, widths)
        name = path.strip("/").replace("/", "_").replace("?", "_").replace("=", "_") or "inbox"
        save_screenshot(page, f"narrow_768_{name}")
    page.goto("/")
    page.wait_for_selector("main[data-ready=true] table.inbox")
    # The client column gets the row's full width instead of a cramped column.
    width = page.eval_on_selector("table.inbox td.client", "td => td.getBoundingClientRect().width")
    assert width >= 600
