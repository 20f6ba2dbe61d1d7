"""Risk alerts through the real app and queue: a Slack-style webhook on a local HTTP server
and e-mail received by a local SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from pydantic import SecretStr
from sqlalchemy import select

from classifier.types import LABELS
from service.alerts import targets_for
from service.config import AlertTarget, Settings
from service.db.models import Job
from service.jobs import DONE, Worker
from tests.service.fake_helpdesk import FakeHelpdesk
from tests.service.helpers import message, set_labels

CLIENT = "anna@example.com"


class Inbox:
    """aiosmtpd handler: keeps what it receives; can answer 451 (try later) N times."""

    def __init__(self) -> None:
        self.received: list[Any] = []
        self.refuse = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 mailbox busy, try again later"
        self.received.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def desk() -> Iterator[FakeHelpdesk]:
    with FakeHelpdesk() as d:
        yield d


@pytest.fixture
def app_settings(app_settings: Any, desk: FakeHelpdesk, smtp: tuple[Inbox, int]) -> Any:
    return app_settings.model_copy(update={
        "alert_webhook_url": SecretStr(desk.url + "/hooks/chat"),
        "alert_email_to": ["oncall@example.com"], "smtp_host": "127.0.0.1",
        "smtp_port": smtp[1], "smtp_from": "toneguard@example.com",
        "console_url": "https://tg.example.com/", "alert_min_level": "difficult",
        "jobs_workers": 0, "jobs_backoff_seconds": 0.01,
    })


def flag_everything(api: Any, on: bool) -> None:
    t = 0.0001 if on else 0.9999
    r = api.client.put("/v1/tenant/sensitivity", json={"thresholds": dict.fromkeys(LABELS, t)},
                       headers=api.h())
    assert r.status_code == 200, r.text


def ingest(api: Any, mid: str, flagged: bool) -> dict[str, Any]:
    flag_everything(api, flagged)
    r = api.post("/v1/messages", message(mid, CLIENT, text="Refund me today or I will sue you!",
                                         replies=0))
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()["tally"]
    return out


def alert_jobs(api: Any) -> list[Job]:
    with api.services.db.session() as s:
        return list(s.scalars(select(Job).where(Job.kind == "alert").order_by(Job.id)))


def run_jobs(api: Any) -> None:
    w = Worker(api.services.db, api.services.settings)
    deadline = time.monotonic() + 10
    while any(j.status != DONE for j in alert_jobs(api)) and time.monotonic() < deadline:
        w.run_until_idle()
        time.sleep(0.01)


def test_alert_once_per_rise_by_chat_and_mail(api: Any, desk: FakeHelpdesk,
                                              smtp: tuple[Inbox, int]) -> None:
    inbox, _ = smtp
    assert ingest(api, "m1", flagged=True)["risk_level"] in ("difficult", "consider_parting")
    [job] = alert_jobs(api)
    assert job.key.startswith("alert:acme:m1:")
    run_jobs(api)
    [chat] = desk.state.chat
    level = job.payload["level"]
    assert f"client {CLIENT} (tenant acme) rose from ok to {level}" in chat["text"]
    assert "https://tg.example.com/ui/client?id=anna%40example.com" in chat["text"]
    [mail] = inbox.received
    assert mail.rcpt_tos == ["oncall@example.com"] and mail.mail_from == "toneguard@example.com"
    parsed: Any = email.message_from_bytes(mail.content, policy=email.policy.default)
    assert parsed["Subject"] == f"[toneguard] {CLIENT} is now {level}"
    assert parsed["Message-ID"].endswith("@toneguard>")
    assert "https://tg.example.com/ui/client?id=anna%40example.com" in parsed.get_content()

    # Another message at the same level: no second alert.
    assert ingest(api, "m2", flagged=False)["risk_level"] == level
    assert len(alert_jobs(api)) == 1

    # The level falls (an agent clears the flags), then rises again: a new alert.
    set_labels(api, "m1", [])
    assert ingest(api, "m3", flagged=False)["risk_level"] == "ok"
    assert len(alert_jobs(api)) == 1
    assert ingest(api, "m4", flagged=True)["risk_level"] == level
    assert [j.key.split(":")[2] for j in alert_jobs(api)] == ["m1", "m4"]
    run_jobs(api)
    assert len(desk.state.chat) == 2 and len(inbox.received) == 2
    assert "rose from ok to" in desk.state.chat[1]["text"]


def test_mail_server_busy_is_retried_and_chat_not_repeated(api: Any, desk: FakeHelpdesk,
                                                           smtp: tuple[Inbox, int]) -> None:
    inbox, _ = smtp
    inbox.refuse = 2
    ingest(api, "m1", flagged=True)
    run_jobs(api)
    [job] = alert_jobs(api)
    assert job.status == DONE and job.attempts == 3 and job.done_steps == ["chat", "email"]
    assert len(desk.state.chat) == 1 and len(inbox.received) == 1


def test_below_the_minimum_level_no_alert(api: Any, desk: FakeHelpdesk) -> None:
    settings = api.services.settings
    settings.alert_min_level = "consider_parting"
    ingest(api, "m1", flagged=True)
    assert alert_jobs(api) == []


def test_targets_per_tenant_override_the_global_ones() -> None:
    s = Settings(alert_webhook_url=SecretStr("https://hooks.example/global"),
                 alert_email_to=["all@example.com"], smtp_host=None,
                 alert_targets={"acme": AlertTarget(email_to=["acme@example.com"])})
    assert targets_for(s, "globex").webhook_url == "https://hooks.example/global"
    assert targets_for(s, "globex").email_to == ()  # no SMTP server configured
    s.smtp_host = "mail.example"
    acme = targets_for(s, "acme")
    assert acme.webhook_url == "https://hooks.example/global"
    assert acme.email_to == ("acme@example.com",)
    assert not targets_for(Settings(), "acme").any
