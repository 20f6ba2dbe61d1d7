"""The dead-letter endpoints' errors, and `toneguard jobs work|dead|retry`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from service.cli import app
from service.db.models import Job, Tenant
from service.jobs import queue
from tests.service.fake_helpdesk import FakeHelpdesk

runner = CliRunner()


def test_dead_letter_endpoints_check_key_and_id(api: Any) -> None:
    assert api.client.get("/v1/jobs/dead").status_code == 401
    assert api.client.post("/v1/jobs/dead/1/retry").status_code == 401
    assert api.post("/v1/jobs/dead/abc/retry", None).status_code == 422
    assert api.post("/v1/jobs/dead/0/retry", None).status_code == 422
    assert api.get("/v1/jobs/dead?limit=0").status_code == 422
    assert api.post("/v1/jobs/dead/12345/retry", None).status_code == 404
    assert api.get("/v1/jobs/dead").json() == {"items": [], "total": 0, "limit": 50, "offset": 0}


@pytest.fixture
def desk() -> Iterator[FakeHelpdesk]:
    with FakeHelpdesk() as d:
        yield d


@pytest.fixture
def cli_env(db_target: Any, monkeypatch: pytest.MonkeyPatch, desk: FakeHelpdesk) -> Any:
    monkeypatch.setenv("TONEGUARD_DATABASE_URL", db_target.url)
    if db_target.schema:
        monkeypatch.setenv("TONEGUARD_DATABASE_SCHEMA", db_target.schema)
    monkeypatch.setenv("TONEGUARD_ALERT_WEBHOOK_URL", desk.url + "/hooks/chat")
    monkeypatch.setenv("TONEGUARD_JOBS_MAX_ATTEMPTS", "1")
    return db_target


def test_jobs_work_dead_and_retry_verbs(cli_env: Any, migrated_db: Any,
                                        desk: FakeHelpdesk) -> None:
    assert runner.invoke(app, ["keys", "create", "--tenant", "acme"]).exit_code == 0
    with migrated_db.session() as s:
        tenant_id = s.scalar(select(Tenant.id).where(Tenant.name == "acme"))
        payload = {"tenant": "acme", "client_id": "c1", "level": "difficult",
                   "previous": "ok", "message_id": "m1", "labels": ["threat"]}
        queue.enqueue(s, kind="alert", key="alert:acme:m1:difficult", payload=payload,
                      tenant_id=tenant_id, max_attempts=1)
        s.commit()
    desk.fail_next("POST", "/hooks/chat", 1)
    out = runner.invoke(app, ["jobs", "work", "--until-idle"])
    assert out.exit_code == 0 and "ran 1 job(s)" in out.output
    dead = runner.invoke(app, ["jobs", "dead", "--tenant", "acme"])
    assert dead.exit_code == 0
    job_id = dead.output.split("\t")[0]
    assert "alert:acme:m1:difficult" in dead.output and "HTTP 500" in dead.output
    assert runner.invoke(app, ["jobs", "retry", job_id, "--tenant", "other"]).exit_code == 1
    assert runner.invoke(app, ["jobs", "retry", job_id, "--tenant", "acme"]).exit_code == 0
    assert runner.invoke(app, ["jobs", "retry", job_id, "--tenant", "acme"]).exit_code == 1
    assert runner.invoke(app, ["jobs", "work", "--until-idle"]).exit_code == 0
    assert len(desk.state.chat) == 1 and "rose from ok to difficult" in desk.state.chat[0]["text"]
    with migrated_db.session() as s:
        assert s.scalar(select(Job.status)) == queue.DONE
