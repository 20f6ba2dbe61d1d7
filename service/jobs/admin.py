"""What an admin does with the queue: read a tenant's dead letters and send one back."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from service.db.models import Job
from service.jobs.queue import DEAD, QUEUED, JobView, view


class NotDead(Exception):
    """Only a dead-lettered job can be retried (HTTP 409)."""


def dead_jobs(session: Session, tenant_id: int | None, limit: int = 50,
              offset: int = 0) -> tuple[list[JobView], int]:
    """The tenant's dead jobs, most recently failed first, and how many there are."""
    where = [Job.status == DEAD, Job.tenant_id == tenant_id]
    total = session.scalar(select(func.count()).select_from(Job).where(*where)) or 0
    rows = session.scalars(
        select(Job).where(*where).order_by(Job.updated_at.desc(), Job.id.desc())
        .limit(limit).offset(offset)
    )
    return [view(r) for r in rows], int(total)


def get_job(session: Session, tenant_id: int | None, job_id: int) -> JobView | None:
    """One of the tenant's jobs (None: no such job for this tenant)."""
    job = session.scalar(select(Job).where(Job.id == job_id, Job.tenant_id == tenant_id))
    return None if job is None else view(job)


def retry_dead(session: Session, tenant_id: int | None, job_id: int) -> JobView | None:
    """Queue a dead job again with fresh attempts (None: no such job for this tenant).

    Steps it already finished stay recorded, so a retry does not repeat them.
    """
    job = session.scalar(select(Job).where(Job.id == job_id, Job.tenant_id == tenant_id))
    if job is None:
        return None
    now = datetime.now(UTC)
    moved = session.execute(
        update(Job).where(Job.id == job_id, Job.status == DEAD)
        .values(status=QUEUED, attempts=0, run_at=now, updated_at=now, finished_at=None)
    )
    if getattr(moved, "rowcount", 0) != 1:
        session.rollback()
        raise NotDead(f"job {job_id} is {job.status}, not dead")
    session.commit()
    fresh = session.get(Job, job_id, populate_existing=True)
    assert fresh is not None
    return view(fresh)
