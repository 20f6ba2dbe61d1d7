"""The settings page in Chromium: an admin sees and changes the tenant's sensitivity.

Each test puts the tenant back to the model's thresholds at the end, since the console
server (and its tenant) is shared by the whole browser session.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.fixtures.web import ConsoleServer, save_screenshot, sign_in

pytestmark = pytest.mark.browser

LABELS = ("aggression", "threat", "unreasonable_demand", "off_hours_pressure")


@pytest.fixture
def default_sensitivity(console_server: ConsoleServer) -> Iterator[None]:
    console_server.api("DELETE", "/v1/tenant/sensitivity")
    yield
    console_server.api("DELETE", "/v1/tenant/sensitivity")


def _cells(page: Any, column: str) -> dict[str, str]:
    return {lab: page.inner_text(f'tr[data-label="{lab}"] [data-cell="{column}"]')
            for lab in LABELS}


def _pct(value: float) -> str:
    return f"{round(value * 10000) / 100:g}%"


def test_preset_and_own_threshold_are_saved_and_shown(
    console_page: Any, console_server: ConsoleServer, default_sensitivity: None
) -> None:
    page = console_page
    sign_in(page, console_server.api_key, "/ui/settings")
    page.wait_for_selector("form.sensitivity")
    before = console_server.api("GET", "/v1/tenant/sensitivity")
    assert page.inner_text("main h1") == "Sensitivity"
    assert page.get_attribute('nav a[data-nav="settings"]', "aria-current") == "page"
    assert "apply to messages that arrive from now on" in page.inner_text("#sensitivity-applies")
    assert page.is_checked("#preset-normal")
    assert _cells(page, "model") == {lab: _pct(v) for lab, v in
                                     before["model_thresholds"].items()}
    assert _cells(page, "effective") == _cells(page, "model")

    # Picking a preset updates the columns before saving; nothing is stored yet.
    page.check("#preset-high")
    assert _cells(page, "effective") == {lab: _pct(v) for lab, v in
                                         before["presets"]["high"].items()}
    assert console_server.api("GET", "/v1/tenant/sensitivity")["preset"] == "normal"

    page.fill("#threshold-threat", "30")
    assert page.inner_text('tr[data-label="threat"] [data-cell="effective"]') == "30%"
    page.click("form.sensitivity button[type=submit]")
    page.wait_for_selector('.settings-status[data-state="saved"]')
    saved = console_server.api("GET", "/v1/tenant/sensitivity")
    assert saved["preset"] == "high" and saved["custom"] == {"threat": 0.3}
    assert saved["thresholds"]["threat"] == 0.3
    save_screenshot(page, "settings_saved")

    # What the page shows after a reload is what the API stores.
    page.reload()
    page.wait_for_selector("main[data-ready=true] form.sensitivity")
    assert page.is_checked("#preset-high")
    assert page.input_value("#threshold-threat") == "30"
    assert _cells(page, "effective") == {lab: _pct(v) for lab, v in saved["thresholds"].items()}

    # A message ingested now records the thresholds it was decided with.
    stored = console_server.ingest("web-sens-1", "sens-client", "Please call me back today.",
                                   "2026-11-24T10:00:00Z")["message"]
    assert stored["thresholds"]["preset"] == "high"
    assert stored["thresholds"]["thresholds"]["threat"] == 0.3

    # Back to the model's thresholds.
    page.click("#sensitivity-reset")
    page.wait_for_selector('.settings-status[data-state="saved"]')
    assert page.is_checked("#preset-normal")
    assert page.input_value("#threshold-threat") == ""
    assert console_server.api("GET", "/v1/tenant/sensitivity")["is_default"] is True


def test_invalid_threshold_is_refused_on_the_page(
    console_page: Any, console_server: ConsoleServer, default_sensitivity: None
) -> None:
    page = console_page
    sign_in(page, console_server.api_key, "/ui/settings")
    page.wait_for_selector("form.sensitivity")
    page.fill("#threshold-aggression", "150")
    page.click("form.sensitivity button[type=submit]")
    page.wait_for_selector(".settings-errors .error")
    assert "Aggression" in page.inner_text(".settings-errors .error")
    assert console_server.api("GET", "/v1/tenant/sensitivity")["is_default"] is True


@pytest.mark.parametrize("console_page", ["ru-RU"], indirect=True)
def test_settings_page_in_russian(
    console_page: Any, console_server: ConsoleServer, default_sensitivity: None
) -> None:
    page = console_page
    sign_in(page, console_server.api_key, "/ui/settings")
    page.wait_for_selector("form.sensitivity")
    assert page.inner_text("main h1") == "Чувствительность"
    assert page.inner_text('nav a[data-nav="settings"]') == "Настройки"
    assert page.inner_text('label[for="preset-low"]') == "Низкая"
    assert "после сохранения" in page.inner_text("#sensitivity-applies")
    page.check("#preset-low")
    page.click("form.sensitivity button[type=submit]")
    page.wait_for_selector('.settings-status[data-state="saved"]')
    assert "Сохранено" in page.inner_text(".settings-status")
    assert console_server.api("GET", "/v1/tenant/sensitivity")["preset"] == "low"
