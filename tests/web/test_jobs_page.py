"""Failed background jobs in the console: an admin sees why a job died and requeues it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from service.db.models import Job, Tenant
from tests.fixtures.web import ConsoleServer, run_service, sign_in

pytestmark = pytest.mark.browser

ERROR = "401 from https://chat.example.com: invalid api_access_token"


@pytest.fixture(scope="module")
def console_server(
    tiny_classifier_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ConsoleServer]:
    """A service of its own (no helpdesk configured, so a requeued job is not run away)."""
    with run_service(tiny_classifier_dir, tmp_path_factory.mktemp("jobs"),
                     replies_mode="rules", jobs_workers="0") as server:
        yield server


def _dead_job(server: ConsoleServer, key: str) -> int:
    engine = create_engine(f"sqlite:///{server.log_path.parent / 'console.db'}")
    now = datetime.now(UTC)
    with engine.begin() as conn:
        tenant_id = conn.execute(select(Tenant.id).where(Tenant.name == "console")).scalar_one()
        job_id = conn.execute(Job.__table__.insert().values(
            tenant_id=tenant_id, kind="writeback.chatwoot", key=key, payload={}, status="dead",
            attempts=5, max_attempts=5, run_at=now, done_steps=[], last_error=ERROR,
            created_at=now, updated_at=now,
        )).inserted_primary_key[0]
    engine.dispose()
    return int(job_id)


def test_dead_job_is_listed_with_its_error_and_can_be_requeued(
    console_page: Any, console_server: ConsoleServer
) -> None:
    job_id = _dead_job(console_server, "writeback:console:m-17")
    before = console_server.api("GET", "/v1/jobs/dead")["total"]
    page = console_page
    sign_in(page, console_server.api_key, "/ui/jobs")
    row = page.locator(f'li.dead-job[data-job-id="{job_id}"]')
    row.wait_for()
    assert ERROR in row.inner_text() and "writeback.chatwoot" in row.inner_text()
    assert "Attempts: 5 of 5" in row.inner_text()
    row.locator("button.retry").click()
    row.wait_for(state="detached")
    assert console_server.api("GET", f"/v1/jobs/{job_id}")["status"] == "queued"
    assert console_server.api("GET", "/v1/jobs/dead")["total"] == before - 1
    assert f"Job {job_id} is queued again." in page.inner_text("#status")


def test_failed_jobs_page_speaks_russian(console_page: Any, console_server: ConsoleServer) -> None:
    job_id = _dead_job(console_server, "writeback:console:m-18")
    page = console_page
    sign_in(page, console_server.api_key, "/ui/jobs")
    page.locator('button[data-lang="ru"]').click()
    row = page.locator(f'li.dead-job[data-job-id="{job_id}"]')
    row.wait_for()
    page.locator("main[data-ready=true]").wait_for()
    assert "Попыток: 5 из 5" in row.inner_text()
    assert row.locator("button.retry").inner_text() == "Повторить"
    assert page.locator('a[data-nav="jobs"]').get_attribute("aria-current") == "page"
