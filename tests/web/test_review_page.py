"""Review queue and the client card's trend and worth, in Chromium against the real service
(tiny model, its own SQLite file), in English and Russian."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, update

from classifier.types import LABELS
from service.db.models import Message
from tests.fixtures.web import ConsoleServer, run_service, save_screenshot, sign_in

pytestmark = pytest.mark.browser

CLIENT = "worth-co@example.com"
DOUBTFUL = "rv-doubt-1"


@pytest.fixture(scope="module")
def console_server(
    tiny_classifier_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ConsoleServer]:
    """A service of its own, so review answers never touch the other console tests' data."""
    with run_service(tiny_classifier_dir, tmp_path_factory.mktemp("review"),
                     replies_mode="rules") as server:
        yield server


@pytest.fixture(scope="module")
def seeded(console_server: ConsoleServer) -> dict[str, Any]:
    """Three messages of one client, a value from the CRM, and one label in doubt."""
    now = datetime.now(UTC)
    texts = ["Where is my order? I have been waiting for a week.",
             "If this is not fixed by tomorrow I will go to court.",
             "Thanks, the invoice arrived."]
    for i, text in enumerate(texts):
        console_server.ingest(DOUBTFUL if i == 1 else f"rv-{i}", CLIENT, text,
                              (now - timedelta(days=i * 8 + 1)).isoformat(), channel="email")
    console_server.api("PUT", f"/v1/clients/{quote(CLIENT)}/value",
                       json={"revenue": 1200, "currency": "EUR", "plan": "Business"})
    labels = console_server.api("GET", f"/v1/messages/{DOUBTFUL}")["labels"]
    scores = {lab: (0.95 if lab in labels else 0.02) for lab in LABELS}
    scores["threat"] = 0.53 if "threat" in labels else 0.47
    db = console_server.log_path.parent / "console.db"
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.execute(update(Message).where(Message.message_id == DOUBTFUL).values(
            scores=scores,
            thresholds={"preset": "normal", "custom": [], "thresholds": dict.fromkeys(LABELS, 0.5)},
        ))
    engine.dispose()
    return {"labels": labels}


def test_agent_confirms_a_review_item_then_the_card_shows_value_and_chart(
    console_page: Any, console_server: ConsoleServer, seeded: dict[str, Any]
) -> None:
    page = console_page
    sign_in(page, console_server.api_key, "/ui/review")
    item = page.locator(f'li.review-item[data-message-id="{DOUBTFUL}"][data-label="threat"]')
    item.wait_for()
    assert "Threat" in item.inner_text()
    page.fill("#review-agent", "Olga")
    page.dispatch_event("#review-agent", "change")
    save_screenshot(page, "review_queue_before")
    item.locator("button[data-decision=confirm]").click()
    item.wait_for(state="detached")
    page.wait_for_function("document.getElementById('status').textContent.includes('Threat')")
    queue = console_server.api("GET", "/v1/review")
    assert all(i["message"]["message_id"] != DOUBTFUL for i in queue["items"])
    trail = console_server.api("GET", f"/v1/messages/{DOUBTFUL}/corrections")["items"]
    assert (trail[0]["agent"], trail[0]["review_label"], trail[0]["review_decision"]) == (
        "Olga", "threat", "confirmed")
    assert "threat" in console_server.api("GET", f"/v1/messages/{DOUBTFUL}")["labels"]

    page.goto(f"/ui/client?id={quote(CLIENT)}")
    page.wait_for_selector("main[data-ready=true]")
    worth = page.locator("section.worth")
    assert "Business" in worth.inner_text() and "1,200" in worth.inner_text()
    assert worth.locator("tr[data-cost=messages] td").inner_text() == "3"
    assert worth.locator("tr[data-cost=corrections] td").inner_text() == "1"
    parting = worth.locator("p.parting")
    api_worth = console_server.api("GET", f"/v1/clients/{quote(CLIENT)}/value")
    assert parting.get_attribute("data-offered") == str(api_worth["parting"]["offered"]).lower()
    # The weekly chart: one bar per week, and this week's threat segment is the API's count.
    trend = console_server.api("GET", f"/v1/clients/{quote(CLIENT)}/trend?weeks=12")["weeks"]
    chart = page.locator("figure.trend svg")
    assert chart.locator("g[data-key]").count() == 12
    shown = {(s.get_attribute("data-key"), s.get_attribute("data-series")):
             int(s.get_attribute("data-count") or 0)
             for s in chart.locator("rect.seg").all()}
    expected = {(w["week_start"], lab): n for w in trend for lab, n in w["counts"].items() if n}
    assert shown == expected and any(lab == "threat" for _, lab in shown)


def test_clients_export_link_downloads_the_csv(
    console_page: Any, console_server: ConsoleServer, seeded: dict[str, Any]
) -> None:
    page = console_page
    sign_in(page, console_server.api_key, "/ui/clients")
    with page.expect_download() as info:
        page.click("button.export-csv")
    path = info.value.path()
    rows = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8"))))
    row = next(r for r in rows if r["client_id"] == CLIENT)
    assert (row["messages"], row["plan"], row["revenue"]) == ("3", "Business", "1200")
    assert info.value.suggested_filename.startswith("toneguard-clients-")


@pytest.mark.parametrize("console_page", ["ru-RU"], indirect=True)
def test_card_and_queue_in_russian(
    console_page: Any, console_server: ConsoleServer, seeded: dict[str, Any]
) -> None:
    page = console_page
    sign_in(page, console_server.api_key, f"/ui/client?id={quote(CLIENT)}")
    assert page.locator("#worth-h").inner_text() == "Стоит ли удерживать клиента?"
    assert page.locator("figure.trend figcaption").inner_text() == "Пометки по неделям"
    assert "Business" in page.locator("section.worth").inner_text()
    page.goto("/ui/review")
    page.wait_for_selector("main[data-ready=true]")
    assert page.locator("h1").inner_text() == "Очередь проверки"
    assert page.locator("nav [data-nav=review]").inner_text() == "Проверка"
