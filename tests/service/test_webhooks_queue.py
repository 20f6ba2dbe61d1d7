"""Webhook deliveries accepted at once (202 + job id), then classified by a job worker:
nothing accepted is lost when a worker dies, nothing is counted twice, poison ends dead."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from service.db.models import Job
from service.integrations import deliveries
from service.integrations.common import Ignored
from service.integrity import check_tallies
from service.jobs import DEAD, DONE, RUNNING, JobContext, Worker, queue
from tests.service.test_webhooks_api import ACME_CW, ACME_ZM, chatwoot_post, zammad_post

PAYLOADS = Path(__file__).parent / "payloads"


@pytest.fixture
def app_settings(app_settings: Any) -> Any:
    return app_settings.model_copy(update={
        "webhook_secrets": {"acme": {"chatwoot": SecretStr(ACME_CW),
                                     "zammad": SecretStr(ACME_ZM)}},
        "jobs_workers": 0, "jobs_backoff_seconds": 0.01, "jobs_max_attempts": 3,
    })


def _raw(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def _worker(api: Any, **update: Any) -> Worker:
    """A worker with the registered handlers (the service registers `webhook` at start)."""
    return Worker(api.services.db, api.services.settings.model_copy(update=update))


def _jobs(api: Any, kind: str = deliveries.KIND) -> list[Job]:
    with api.services.db.session() as s:
        return list(s.scalars(select(Job).where(Job.kind == kind).order_by(Job.id)))


def _tallies_exact(api: Any) -> None:
    with api.services.db.session() as s:
        assert check_tallies(s, api.services.settings.risk_half_life_days) == []


def test_delivery_is_accepted_with_its_job_then_classified(api: Any) -> None:
    r = chatwoot_post(api, _raw("chatwoot_message_created.json"))
    assert r.status_code == 202, r.text
    out = r.json()
    assert out["status"] == "accepted" and out["job_status"] == "queued"
    assert out["message_id"] == "chatwoot:2:4821" and isinstance(out["job_id"], int)
    assert api.get("/v1/messages/chatwoot:2:4821").status_code == 404  # not yet classified
    job = api.get(f"/v1/jobs/{out['job_id']}").json()
    assert job["kind"] == "webhook" and job["status"] == "queued"
    assert "raw" not in job["details"] and job["details"]["message_id"] == "chatwoot:2:4821"
    assert api.get(f"/v1/jobs/{out['job_id']}", key=api.key_b).status_code == 404

    assert _worker(api).run_until_idle() >= 1
    stored = api.get("/v1/messages/chatwoot:2:4821").json()
    assert stored["text"].startswith("Я третий день жду ответа!")
    done = api.get(f"/v1/jobs/{out['job_id']}").json()
    assert done["status"] == DONE
    [job] = _jobs(api)
    assert "raw" not in job.payload, "the body is not kept once the message is stored"
    assert done["details"]["result"]["status"] == "ingested"
    assert done["details"]["result"]["labels"] == stored["labels"]


def test_service_workers_pick_up_an_accepted_delivery(app_settings: Any, test_classifier: Any,
                                                      rules_suggester: Any) -> None:
    """With the service's own worker threads the message appears without any help."""
    from fastapi.testclient import TestClient

    from service.main import create_app
    from service.tenants import create_key

    app = create_app(app_settings.model_copy(update={"jobs_workers": 2}),
                     classifier=test_classifier, suggester=rules_suggester)
    with TestClient(app, raise_server_exceptions=False) as client:
        with app.state.services.db.session() as s:
            key = create_key(s, "acme")
        body = _raw("zammad_customer_article.json")
        r = client.post("/v1/webhooks/zammad", params={"tenant": "acme"}, content=body,
                        headers={"X-Hub-Signature": _zammad_sig(body)})
        assert r.status_code == 202, r.text
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            got = client.get("/v1/messages/zammad:2219", headers={"X-API-Key": key})
            if got.status_code == 200:
                break
            time.sleep(0.05)
        assert got.status_code == 200, "the worker threads never classified the delivery"
        # the message is stored a moment before the job's completion commits
        while time.monotonic() < deadline:
            job = client.get(f"/v1/jobs/{r.json()['job_id']}", headers={"X-API-Key": key}).json()
            if job["status"] == DONE:
                break
            time.sleep(0.05)
        assert job["status"] == DONE


def _zammad_sig(body: bytes) -> str:
    from service.integrations.signatures import sign

    return sign(ACME_ZM, body, "sha1")


def test_duplicate_deliveries_make_one_job_and_one_message(api: Any) -> None:
    body = _raw("zammad_customer_article.json")
    first = zammad_post(api, body)
    again = zammad_post(api, body)
    assert first.status_code == again.status_code == 202
    assert again.json()["status"] == "duplicate"
    assert again.json()["job_id"] == first.json()["job_id"]
    _worker(api).run_until_idle()
    # Delivered once more after it was classified: still the same job, nothing new.
    third = zammad_post(api, body)
    assert third.json()["status"] == "duplicate" and third.json()["job_status"] == DONE
    assert _worker(api).run_until_idle() == 0
    assert len(_jobs(api)) == 1
    assert api.get("/v1/clients/zammad:87").json()["messages_seen"] == 1
    _tallies_exact(api)


def test_worker_that_dies_before_finishing_loses_nothing(api: Any) -> None:
    """A worker leases the job and vanishes; once its lease expires another runs it."""
    r = chatwoot_post(api, _raw("chatwoot_message_created.json"))
    job_id = r.json()["job_id"]
    claimed = queue.claim(api.services.db, "doomed-worker", lease_seconds=0.3)
    assert claimed is not None and claimed.id == job_id
    assert _worker(api).run_until_idle() == 0  # leased, not yet expired
    time.sleep(0.35)
    assert _worker(api).run_until_idle() == 1
    [job] = _jobs(api)
    assert job.status == DONE and job.attempts == 2
    assert api.get("/v1/clients/chatwoot:2:311").json()["messages_seen"] == 1
    _tallies_exact(api)


class Crash(BaseException):
    """The worker process dies: nothing after this point runs, no except clause sees it."""


def test_worker_that_dies_after_storing_counts_the_message_once(api: Any) -> None:
    """Ingest committed, then the worker died before recording the job as done."""
    chatwoot_post(api, _raw("chatwoot_message_created.json"))
    zammad_post(api, _raw("zammad_customer_article.json"))
    real = _worker(api).handlers[deliveries.KIND]

    def store_then_die(ctx: JobContext) -> None:
        real(ctx)
        raise Crash

    # the lease must outlast the first job's classification, or the second run takes it again
    settings = api.services.settings.model_copy(update={"jobs_lease_seconds": 2.0})
    for _ in range(2):
        with pytest.raises(Crash):
            Worker(api.services.db, settings, {deliveries.KIND: store_then_die}).run_once()
    assert [j.status for j in _jobs(api)] == [RUNNING, RUNNING]
    assert api.get("/v1/messages").json()["total"] == 2  # stored, the jobs not finished
    time.sleep(2.05)
    assert _worker(api).run_until_idle() == 2
    jobs = _jobs(api)
    assert [j.status for j in jobs] == [DONE, DONE]
    assert [j.payload["result"]["status"] for j in jobs] == ["duplicate", "duplicate"]
    assert api.get("/v1/messages").json()["total"] == 2
    assert api.get("/v1/clients/chatwoot:2:311").json()["messages_seen"] == 1
    assert api.get("/v1/clients/zammad:87").json()["messages_seen"] == 1
    _tallies_exact(api)


def test_edited_message_under_a_known_id_ends_in_the_dead_letters(api: Any) -> None:
    """Same message id, other content: accepted, then refused by ingest for good."""
    payload = json.loads(_raw("chatwoot_message_created.json"))
    assert chatwoot_post(api, json.dumps(payload).encode()).status_code == 202
    payload["content"] = "A different text under the same message id."
    r = chatwoot_post(api, json.dumps(payload).encode())
    assert r.status_code == 202 and r.json()["status"] == "accepted"
    _worker(api).run_until_idle()
    dead = api.get("/v1/jobs/dead").json()
    assert dead["total"] == 1
    [item] = dead["items"]
    assert item["id"] == r.json()["job_id"] and item["attempts"] == 1
    assert "MessageConflict" in item["last_error"]
    assert "different content" in item["last_error"]
    assert api.get("/v1/clients/chatwoot:2:311").json()["messages_seen"] == 1


def test_poison_delivery_is_dead_lettered_with_its_reason(api: Any) -> None:
    """A stored delivery that can no longer be read (here: its body was corrupted) does not
    loop: it goes to the dead letters at once, with the reason, and nothing is stored."""
    r = zammad_post(api, _raw("zammad_customer_article.json"))
    with api.services.db.session() as s:
        job = s.get(Job, r.json()["job_id"])
        assert job is not None
        job.payload = {**job.payload, "raw": '{"ticket": {}, "article": {"id": 9}}'}
        s.commit()
    _worker(api).run_until_idle()
    [item] = api.get("/v1/jobs/dead").json()["items"]
    assert item["status"] == DEAD and "cannot be read" in item["last_error"]
    assert "article.sender" in item["last_error"]
    assert api.get("/v1/messages").json()["total"] == 0


def test_failing_classification_is_retried_then_dead(api: Any) -> None:
    """A delivery whose processing keeps failing is retried with backoff, then dead."""
    r = chatwoot_post(api, _raw("chatwoot_message_created.json"))
    real = _worker(api).handlers[deliveries.KIND]
    calls: list[int] = []

    def broken(ctx: JobContext) -> None:
        calls.append(ctx.job.attempts)
        raise RuntimeError("the model fell over")

    worker = Worker(api.services.db, api.services.settings, {deliveries.KIND: broken})
    deadline = time.monotonic() + 10
    while len(calls) < 3 and time.monotonic() < deadline:
        worker.run_until_idle()
        time.sleep(0.02)
    assert calls == [1, 2, 3]
    [item] = api.get("/v1/jobs/dead").json()["items"]
    assert item["id"] == r.json()["job_id"] and "the model fell over" in item["last_error"]
    # Fixed: a retry from the dead letters classifies it.
    assert api.client.post(f"/v1/jobs/dead/{item['id']}/retry",
                           headers=api.h()).status_code == 200
    assert Worker(api.services.db, api.services.settings,
                  {deliveries.KIND: real}).run_until_idle() == 1
    assert api.get("/v1/messages/chatwoot:2:4821").status_code == 200


def test_bad_text_is_refused_at_once_not_queued(api: Any) -> None:
    payload = json.loads(_raw("chatwoot_message_created.json"))
    payload["content"] = "nul \u0000 inside"
    r = chatwoot_post(api, json.dumps(payload).encode())
    assert r.status_code == 422 and "NUL" in r.text
    assert _jobs(api) == []


def test_deliveries_arriving_together_share_one_transaction(api: Any) -> None:
    """A batch with a repeat, an unknown tenant and a delivery accepted before."""
    raw = _raw("zammad_customer_article.json")
    parsed = deliveries.parse_delivery("zammad", raw)
    assert not isinstance(parsed, Ignored)
    before = zammad_post(api, _raw("zammad_plain_calm.json")).json()["job_id"]
    calm_raw = _raw("zammad_plain_calm.json")
    calm = deliveries.parse_delivery("zammad", calm_raw)
    assert not isinstance(calm, Ignored)
    batch = [deliveries.Delivery("acme", "zammad", raw, parsed),
             deliveries.Delivery("acme", "zammad", raw, parsed),
             deliveries.Delivery("nobody", "zammad", raw, parsed),
             deliveries.Delivery("acme", "zammad", calm_raw, calm)]
    first, again, unknown, earlier = deliveries.accept_many(api.services.db, batch, 3)
    assert first is not None and first.created and first.status == "queued"
    assert again is not None and not again.created and again.job_id == first.job_id
    assert unknown is None
    assert earlier is not None and not earlier.created and earlier.job_id == before
    assert len(_jobs(api)) == 2
    _worker(api).run_until_idle()
    assert api.get("/v1/messages").json()["total"] == 2
    _tallies_exact(api)


def test_tenant_ids_are_remembered_once_found_and_unknown_ones_asked_again(api: Any) -> None:
    """A tenant created after a delivery named it is found by the next one; known tenants
    cost no lookup (a statement counter on the engine shows it)."""
    from sqlalchemy import event

    from service.tenants import create_key

    db = api.services.db
    raw = _raw("zammad_customer_article.json")
    parsed = deliveries.parse_delivery("zammad", raw)
    assert not isinstance(parsed, Ignored)
    tenants = deliveries.TenantIds()
    [unknown] = deliveries.accept_many(
        db, [deliveries.Delivery("late", "zammad", raw, parsed)], 3, tenants)
    assert unknown is None
    with db.session() as s:
        create_key(s, "late")
    [found] = deliveries.accept_many(
        db, [deliveries.Delivery("late", "zammad", raw, parsed)], 3, tenants)
    assert found is not None and found.created
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        [again] = deliveries.accept_many(
            db, [deliveries.Delivery("late", "zammad", raw, parsed)], 3, tenants)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert again is not None and again.job_id == found.job_id and not again.created
    assert not [s for s in statements if "FROM tenants" in s]


def test_a_burst_of_deliveries_is_accepted_once_each(api: Any) -> None:
    """32 concurrent deliveries (16 messages, each sent twice): one job per message."""
    from concurrent.futures import ThreadPoolExecutor

    template = json.loads(_raw("zammad_customer_article.json"))
    bodies = []
    for n in range(16):
        template["article"]["id"] = 7000 + n
        template["article"]["body"] = f"Message number {n}: where is my refund?"
        bodies += [json.dumps(template).encode()] * 2
    with ThreadPoolExecutor(32) as pool:
        answers = list(pool.map(lambda b: zammad_post(api, b), bodies))
    assert {r.status_code for r in answers} == {202}
    assert sorted(r.json()["status"] for r in answers) == ["accepted"] * 16 + ["duplicate"] * 16
    assert len({r.json()["job_id"] for r in answers}) == 16 == len(_jobs(api))
    _worker(api).run_until_idle()
    assert api.get("/v1/clients/zammad:87").json()["messages_seen"] == 16
    _tallies_exact(api)
