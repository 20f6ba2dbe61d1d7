"""Run an accepted webhook delivery's job and read its result (deliveries are answered 202
first and classified by a job worker after)."""

from __future__ import annotations

import time
from typing import Any

from service.db.models import Job
from service.integrations import deliveries
from service.jobs import DEAD, DONE, Worker


def processed(api: Any, response: Any, timeout: float = 20.0) -> dict[str, Any]:
    """The delivery's job run to its end (here, or by the service's own worker threads):
    the 202 answer merged with the job's result (status ingested/duplicate, labels, ...)."""
    assert response.status_code == 202, response.text
    accepted: dict[str, Any] = response.json()
    db = api.app.state.services.db
    worker = Worker(db, api.app.state.services.settings, kinds=[deliveries.KIND])
    deadline = time.monotonic() + timeout
    while True:
        worker.run_until_idle()
        with db.session() as s:
            job = s.get(Job, accepted["job_id"])
            assert job is not None
            status, payload, error = job.status, dict(job.payload), job.last_error
        if status in (DONE, DEAD):
            break
        assert time.monotonic() < deadline, f"job {accepted['job_id']} still {status}"
        time.sleep(0.02)
    assert status == DONE, f"job {accepted['job_id']} is dead: {error}"
    return accepted | dict(payload["result"])
