"""Write-back to Chatwoot and Zammad through the real app, queue and database, against a
local server implementing their documented endpoints (tests/service/fake_helpdesk.py)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select, update

from classifier.types import LABELS
from service.config import HelpdeskApi
from service.db.models import Job
from service.integrations import deliveries
from service.integrations.signatures import sign
from service.jobs import DEAD, DONE, JobContext, Worker
from service.writeback import chatwoot, zammad
from service.writeback.note import MARKER
from tests.service.fake_helpdesk import CHATWOOT_TOKEN, ZAMMAD_TOKEN, FakeHelpdesk
from tests.service.webhook_jobs import processed

PAYLOADS = Path(__file__).parent / "payloads"
CW_SECRET, ZM_SECRET = "cw-webhook-secret", "zm-webhook-secret"
CONV = (2, 1290)  # account and conversation of chatwoot_message_created.json
TICKET = 1042  # ticket of zammad_customer_article.json


@pytest.fixture
def desk() -> Iterator[FakeHelpdesk]:
    with FakeHelpdesk() as d:
        yield d


@pytest.fixture
def app_settings(app_settings: Any, desk: FakeHelpdesk) -> Any:
    return app_settings.model_copy(update={
        "webhook_secrets": {"acme": {"chatwoot": SecretStr(CW_SECRET),
                                     "zammad": SecretStr(ZM_SECRET)},
                            "globex": {"chatwoot": SecretStr(CW_SECRET)}},
        "writeback": {"acme": {
            "chatwoot": HelpdeskApi(url=desk.url, token=SecretStr(CHATWOOT_TOKEN)),
            "zammad": HelpdeskApi(url=desk.url + "/", token=SecretStr(ZAMMAD_TOKEN))}},
        "jobs_workers": 0, "jobs_backoff_seconds": 0.01, "jobs_max_attempts": 3,
    })


def flag_everything(api: Any, on: bool = True, key: str | None = None) -> None:
    """The tenant's thresholds at the floor (every label flagged) or the ceiling (none)."""
    t = 0.0001 if on else 0.9999
    r = api.client.put("/v1/tenant/sensitivity", json={"thresholds": dict.fromkeys(LABELS, t)},
                       headers=api.h(key))
    assert r.status_code == 200, r.text


def settled(api: Any, r: Any) -> Any:
    """The answer to a delivery once its webhook job ran: an accepted delivery's 202 merged
    with the job's result (status ingested, labels, ...); other answers as they are."""
    data = processed(api, r) if r.status_code == 202 and r.json()["status"] == "accepted" \
        else r.json()
    return SimpleNamespace(status_code=r.status_code, text=r.text, json=lambda: data)


def chatwoot_post(api: Any, body: bytes | dict[str, Any], tenant: str = "acme") -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    ts = str(int(time.time()))
    signature = sign(CW_SECRET, ts.encode() + b"." + raw, "sha256")
    return settled(api, api.client.post(
        "/v1/webhooks/chatwoot", params={"tenant": tenant}, content=raw,
        headers={"Content-Type": "application/json", "X-Chatwoot-Timestamp": ts,
                 "X-Chatwoot-Signature": signature}))


def zammad_post(api: Any, body: bytes | dict[str, Any]) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return settled(api, api.client.post(
        "/v1/webhooks/zammad", params={"tenant": "acme"}, content=raw,
        headers={"Content-Type": "application/json",
                 "X-Hub-Signature": sign(ZM_SECRET, raw, "sha1")}))


def raw(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def worker(api: Any, **handlers: Any) -> Worker:
    return Worker(api.services.db, api.services.settings, handlers or None)


def jobs(api: Any) -> list[Job]:
    """The write-back jobs (the deliveries' own webhook jobs have run already)."""
    with api.services.db.session() as s:
        return list(s.scalars(select(Job).where(Job.kind != deliveries.KIND).order_by(Job.id)))


def ingest_chatwoot(api: Any) -> dict[str, Any]:
    flag_everything(api)
    r = chatwoot_post(api, raw("chatwoot_message_created.json"))
    assert r.status_code == 202 and r.json()["status"] == "ingested", r.text
    assert r.json()["labels"], "the floor thresholds flag every label"
    out: dict[str, Any] = r.json()
    return out


def test_chatwoot_labels_are_merged_and_the_note_posted_once(api: Any,
                                                             desk: FakeHelpdesk) -> None:
    desk.state.labels[CONV] = ["vip", "billing"]
    labels = ingest_chatwoot(api)["labels"]
    [job] = jobs(api)
    assert job.kind == chatwoot.KIND and job.key == "writeback:acme:chatwoot:2:4821"
    assert worker(api).run_until_idle() == 1
    assert desk.state.labels[CONV] == ["vip", "billing"] + [f"toneguard-{x}" for x in
                                                             sorted(labels)]
    [note] = desk.state.messages[CONV]
    assert note["private"] is True and note["message_type"] == "outgoing"
    assert note["content_attributes"] == {"toneguard_ref": job.key}
    assert note["content"].startswith("toneguard flagged this message: ")
    assert f"{MARKER} {job.key}" in note["content"]
    assert "\nEvidence:\n- " in note["content"] and "\nSuggested reply:\n" in note["content"]
    post = desk.calls_to("POST", "/messages")[0]
    assert post.headers["api_access_token"] == CHATWOOT_TOKEN
    assert post.headers["idempotency-key"] == job.key
    # The helpdesk redelivers: no second job. The job's own record is lost and it runs
    # again: it finds its note and labels there and sends nothing.
    assert chatwoot_post(api, raw("chatwoot_message_created.json")).json()["status"] == \
        "duplicate"
    assert len(jobs(api)) == 1
    with api.services.db.session() as s:
        s.execute(update(Job).where(Job.kind != deliveries.KIND)
                  .values(status="queued", done_steps=[]))
        s.commit()
    assert worker(api).run_until_idle() == 1
    assert len(desk.state.messages[CONV]) == 1
    assert len(desk.calls_to("POST", "/labels")) == 1


class Crash(BaseException):
    """The worker process dies: nothing after this point runs, no except clause sees it."""


def test_worker_dying_after_sending_does_not_send_twice(api: Any, desk: FakeHelpdesk) -> None:
    ingest_chatwoot(api)

    def send_then_die(ctx: JobContext) -> None:
        chatwoot.handle(ctx)
        raise Crash

    settings = api.services.settings.model_copy(update={"jobs_lease_seconds": 0.3})
    dying = Worker(api.services.db, settings, {chatwoot.KIND: send_then_die})
    with pytest.raises(Crash):
        dying.run_once()
    assert len(desk.state.messages[CONV]) == 1
    assert jobs(api)[0].status == "running"  # leased to the dead worker, nothing committed
    assert worker(api).run_until_idle() == 0  # the lease has not expired yet
    time.sleep(0.35)
    assert worker(api).run_until_idle() == 1
    [job] = jobs(api)
    assert job.status == DONE and job.attempts == 2
    assert len(desk.state.messages[CONV]) == 1
    assert len(desk.calls_to("POST", "/messages")) == 1
    assert len(desk.calls_to("POST", "/labels")) == 1


def test_helpdesk_errors_are_retried_with_backoff(api: Any, desk: FakeHelpdesk) -> None:
    ingest_chatwoot(api)
    desk.fail_next("POST", "/messages", 2)
    w = worker(api)
    deadline = time.monotonic() + 10
    while jobs(api)[0].status != DONE and time.monotonic() < deadline:
        w.run_until_idle()
        time.sleep(0.01)
    [job] = jobs(api)
    assert job.status == DONE and job.attempts == 3
    assert len(desk.calls_to("POST", "/messages")) == 3  # two 500s, then the note
    assert len(desk.state.messages[CONV]) == 1
    assert len(desk.calls_to("POST", "/labels")) == 1  # finished steps are not repeated


def run_until_settled(api: Any) -> Job:
    w = worker(api)
    deadline = time.monotonic() + 10
    while jobs(api)[0].status not in (DONE, DEAD) and time.monotonic() < deadline:
        w.run_until_idle()
        time.sleep(0.01)
    return jobs(api)[0]


def test_dead_letters_are_listed_and_retried_through_the_api(api: Any,
                                                            desk: FakeHelpdesk) -> None:
    ingest_chatwoot(api)
    desk.fail_next("POST", "/messages", 100, status=503)
    job = run_until_settled(api)
    assert job.status == DEAD and job.attempts == 3
    page = api.get("/v1/jobs/dead").json()
    assert page["total"] == 1
    [item] = page["items"]
    assert item["id"] == job.id and item["kind"] == "writeback.chatwoot"
    assert item["key"] == "writeback:acme:chatwoot:2:4821" and "HTTP 503" in item["last_error"]
    assert item["done_steps"] == ["labels"] and item["attempts"] == 3
    assert item["details"]["conversation_id"] == CONV[1] and "note" not in item["details"]
    assert api.get("/v1/jobs/dead", key=api.key_b).json()["total"] == 0
    assert api.post(f"/v1/jobs/dead/{job.id}/retry", None, key=api.key_b).status_code == 404
    desk.failures.clear()
    r = api.post(f"/v1/jobs/dead/{job.id}/retry", None)
    assert r.status_code == 200 and r.json()["status"] == "queued" and r.json()["attempts"] == 0
    assert api.post(f"/v1/jobs/dead/{job.id}/retry", None).status_code == 409
    assert run_until_settled(api).status == DONE
    assert len(desk.state.messages[CONV]) == 1
    assert api.get("/v1/jobs/dead").json()["total"] == 0


def test_a_wrong_token_is_dead_at_once(api: Any, desk: FakeHelpdesk) -> None:
    settings = api.services.settings
    settings.writeback["acme"]["chatwoot"] = HelpdeskApi(url=desk.url,
                                                         token=SecretStr("revoked"))
    ingest_chatwoot(api)
    job = run_until_settled(api)
    assert job.status == DEAD and job.attempts == 1 and "HTTP 401" in (job.last_error or "")


def test_zammad_tags_and_internal_note(api: Any, desk: FakeHelpdesk) -> None:
    desk.state.tags[TICKET] = ["complaint"]
    flag_everything(api)
    r = zammad_post(api, raw("zammad_customer_article.json"))
    assert r.status_code == 202 and r.json()["status"] == "ingested", r.text
    labels = r.json()["labels"]
    [job] = jobs(api)
    assert job.kind == zammad.KIND and job.key == "writeback:acme:zammad:2219"
    assert worker(api).run_until_idle() == 1
    assert desk.state.tags[TICKET] == ["complaint"] + [f"toneguard:{x}" for x in sorted(labels)]
    [article] = desk.state.articles[TICKET]
    assert article["internal"] is True and article["type"] == "note"
    assert article["content_type"] == "text/plain" and job.key in article["body"]
    auth = desk.calls_to("POST", "/api/v1/ticket_articles")[0].headers["authorization"]
    assert auth == f"Token token={ZAMMAD_TOKEN}"
    with api.services.db.session() as s:  # the job runs again: nothing is added twice
        s.execute(update(Job).where(Job.kind != deliveries.KIND)
                  .values(status="queued", done_steps=[]))
        s.commit()
    worker(api).run_until_idle()
    assert len(desk.state.articles[TICKET]) == 1
    assert len(desk.calls_to("POST", "/api/v1/tags/add")) == len(labels)


def test_the_echo_of_our_own_note_is_ignored(api: Any, desk: FakeHelpdesk) -> None:
    ingest_chatwoot(api)
    zammad_post(api, raw("zammad_customer_article.json"))
    worker(api).run_until_idle()
    [note] = desk.state.messages[CONV]
    echo = json.loads(raw("chatwoot_message_created.json"))
    echo.update(id=4999, content=note["content"], message_type="outgoing", private=True,
                content_attributes=note["content_attributes"],
                sender={"id": 7, "name": "toneguard", "type": "user"})
    r = chatwoot_post(api, echo)
    assert r.json() == r.json() | {"status": "ignored",
                                   "reason": "toneguard's own note (write-back echo)"}
    [article] = desk.state.articles[TICKET]
    zecho = json.loads(raw("zammad_customer_article.json"))
    zecho["article"].update(id=2300, body=article["body"], sender="Agent", internal=True,
                            content_type="text/plain")
    r = zammad_post(api, zecho)
    assert r.json()["status"] == "ignored" and "echo" in r.json()["reason"]
    assert len(jobs(api)) == 2
    # A customer quoting the marker is still a customer: classified as usual.
    pasted = json.loads(raw("chatwoot_message_created.json"))
    pasted.update(id=5001, content="You wrote: " + note["content"])
    assert chatwoot_post(api, pasted).json()["status"] == "ingested"


def test_no_write_back_without_a_flag_or_a_configured_helpdesk(api: Any,
                                                               desk: FakeHelpdesk) -> None:
    flag_everything(api, on=False)
    r = chatwoot_post(api, raw("chatwoot_message_created.json"))
    assert r.json()["status"] == "ingested" and r.json()["labels"] == []
    flag_everything(api, key=api.key_b)
    r = chatwoot_post(api, raw("chatwoot_message_created.json"), tenant="globex")
    assert r.json()["status"] == "ingested" and r.json()["labels"]
    assert jobs(api) == []
    assert desk.calls == []


def test_the_service_runs_its_own_worker(app_settings: Any, test_classifier: Any,
                                         desk: FakeHelpdesk) -> None:
    from fastapi.testclient import TestClient

    from service.main import create_app
    from service.tenants import create_key
    from tests.service.conftest import Api

    settings = app_settings.model_copy(update={"jobs_workers": 1, "jobs_poll_seconds": 0.05})
    app = create_app(settings, classifier=test_classifier, suggester=None)
    with TestClient(app) as client:
        with app.state.services.db.session() as s:
            api = Api(client, create_key(s, "acme"), create_key(s, "globex"), app)
        ingest_chatwoot(api)
        deadline = time.monotonic() + 15
        while not desk.state.messages.get(CONV) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(desk.state.messages[CONV]) == 1
    # Leaving the block stopped the worker thread cleanly before the database closed.
    assert not [t for t in __import__("threading").enumerate()
                if t.name.startswith("toneguard-jobs")]
