"""The job table as a queue: enqueue, claim under a lease, then complete, retry or bury.

Every state change after a claim is conditional on the lease (`locked_by` = this worker,
status running), so a worker that lost its lease (it stalled past `locked_until` and
another took the job over) cannot overwrite the newer owner's result. On SQLite each
write transaction starts with its write so it takes the lock at once and waits on the
busy timeout instead of failing on a stale snapshot (as service.ingest does).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from service.db.models import Job
from service.db.session import Database

logger = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, DEAD = "queued", "running", "done", "dead"
MAX_ERROR_CHARS = 2000


@dataclass(frozen=True)
class JobView:
    """A job row as plain values, safe to hand to another thread."""

    id: int
    tenant_id: int | None
    kind: str
    key: str
    payload: dict[str, Any]
    status: str
    attempts: int
    max_attempts: int
    run_at: datetime
    done_steps: list[str]
    last_error: str | None
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None


def view(job: Job) -> JobView:
    return JobView(
        id=job.id, tenant_id=job.tenant_id, kind=job.kind, key=job.key, payload=dict(job.payload),
        status=job.status, attempts=job.attempts, max_attempts=job.max_attempts,
        run_at=job.run_at, done_steps=list(job.done_steps or []), last_error=job.last_error,
        created_at=job.created_at, updated_at=job.updated_at, finished_at=job.finished_at,
    )


def _now() -> datetime:
    return datetime.now(UTC)


def enqueue(
    session: Session, *, kind: str, key: str, payload: dict[str, Any], max_attempts: int,
    tenant_id: int | None = None, run_at: datetime | None = None,
) -> bool:
    """Add a job unless one with `key` exists (True when added). Joins the caller's
    transaction, so work and the record of it commit together; the caller commits."""
    return enqueue_id(session, kind=kind, key=key, payload=payload, max_attempts=max_attempts,
                      tenant_id=tenant_id, run_at=run_at) is not None


def enqueue_id(
    session: Session, *, kind: str, key: str, payload: dict[str, Any], max_attempts: int,
    tenant_id: int | None = None, run_at: datetime | None = None,
) -> int | None:
    """`enqueue`, answering the new job's id (None when a job with `key` exists)."""
    now = _now()
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    new_id = session.execute(
        insert(Job)
        .values(tenant_id=tenant_id, kind=kind, key=key, payload=payload, status=QUEUED,
                attempts=0, max_attempts=max_attempts, run_at=run_at or now, done_steps=[],
                created_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(Job.id)
    ).scalar_one_or_none()
    if new_id is not None:
        logger.debug("enqueued %s job %s", kind, key)
    return None if new_id is None else int(new_id)


@dataclass(frozen=True)
class NewJob:
    kind: str
    key: str
    payload: dict[str, Any]
    tenant_id: int | None = None


def enqueue_many(session: Session, jobs: Sequence[NewJob], max_attempts: int) -> dict[str, int]:
    """Add several jobs in one statement, skipping keys that exist: key -> id of the jobs
    added (a key twice in `jobs` is added once). Joins the caller's transaction."""
    if not jobs:
        return {}
    now = _now()
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    rows: list[dict[str, Any]] = [
        {"tenant_id": j.tenant_id, "kind": j.kind, "key": j.key, "payload": j.payload,
         "status": QUEUED, "attempts": 0, "max_attempts": max_attempts, "run_at": now,
         "done_steps": [], "created_at": now, "updated_at": now} for j in jobs]
    # One statement compiled once for any number of rows (SQLAlchemy's "insertmanyvalues"),
    # so bursts of different sizes do not each pay for a new statement.
    table: Table = Job.__table__  # type: ignore[assignment]
    stmt = (insert(table).on_conflict_do_nothing(index_elements=["key"])
            .returning(table.c.key, table.c.id))
    added = session.connection().execute(stmt, rows).all()
    return {str(key): int(job_id) for key, job_id in added}


def _claimable(now: datetime) -> Any:
    """Due queued jobs, and running jobs whose lease ran out (their worker died or stalled)."""
    return or_(
        and_(Job.status == QUEUED, Job.run_at <= now),
        and_(Job.status == RUNNING, Job.locked_until < now),
    )


def claim(
    db: Database, worker_id: str, lease_seconds: float, kinds: Sequence[str] | None = None,
) -> JobView | None:
    """Lease the next due job to `worker_id` (attempts + 1), or None when there is none."""
    now = _now()
    due = _claimable(now)
    if kinds:
        due = and_(due, Job.kind.in_(list(kinds)))
    pick = select(Job.id).where(due).order_by(Job.run_at, Job.id).limit(1)
    with db.session() as s:  # a read first: idle workers never take the write lock
        if s.scalar(pick) is None:
            return None
    with db.session() as s:
        # A lease that expired on its last attempt goes to the dead letters, not round again.
        s.execute(
            update(Job)
            .where(Job.status == RUNNING, Job.locked_until < now,
                   Job.attempts >= Job.max_attempts)
            .values(status=DEAD, locked_by=None, locked_until=None, updated_at=now,
                    finished_at=now,
                    last_error="the worker stopped (lease expired) on the last attempt")
        )
        if s.get_bind().dialect.name == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        job_id = s.scalar(pick)
        if job_id is None:
            s.commit()
            return None
        taken = s.execute(
            update(Job)
            .where(Job.id == job_id, due)
            .values(status=RUNNING, locked_by=worker_id,
                    locked_until=now + timedelta(seconds=lease_seconds),
                    attempts=Job.attempts + 1, updated_at=now)
        )
        if getattr(taken, "rowcount", 0) != 1:  # another worker was faster
            s.rollback()
            return None
        s.commit()
        job = s.get(Job, job_id, populate_existing=True)
        assert job is not None
        return view(job)


def _owned(s: Session, job_id: int, worker_id: str, lease_seconds: float | None) -> Job | None:
    """Re-check (and optionally extend) the lease with a write first; None if it was lost."""
    now = _now()
    values: dict[str, Any] = {"updated_at": now}
    if lease_seconds is not None:
        values["locked_until"] = now + timedelta(seconds=lease_seconds)
    held = s.execute(
        update(Job)
        .where(Job.id == job_id, Job.locked_by == worker_id, Job.status == RUNNING)
        .values(**values)
    )
    if getattr(held, "rowcount", 0) != 1:
        s.rollback()
        logger.warning("job %s: lease lost by %s; the new owner finishes it", job_id, worker_id)
        return None
    return s.get(Job, job_id, populate_existing=True)


def _merge(done: Sequence[str], steps: Sequence[str]) -> list[str]:
    return list(done) + [step for step in steps if step not in done]


def _release(job: Job, steps: Sequence[str]) -> None:
    """Record the finished steps and give up the lease: the job ends or waits for a retry."""
    job.done_steps = _merge(job.done_steps or [], steps)
    job.locked_by, job.locked_until = None, None


def heartbeat(db: Database, job_id: int, worker_id: str, steps: Sequence[str],
              lease_seconds: float) -> bool:
    """Record finished steps and extend the lease; False when the lease was lost."""
    with db.session() as s:
        job = _owned(s, job_id, worker_id, lease_seconds)
        if job is None:
            return False
        job.done_steps = _merge(job.done_steps or [], steps)
        s.commit()
        return True


def complete(db: Database, job_id: int, worker_id: str, steps: Sequence[str],
             also: Callable[[Session], None] | None = None) -> bool:
    """Mark the job done with its last steps (and `also`'s writes) in one transaction."""
    with db.session() as s:
        job = _owned(s, job_id, worker_id, None)
        if job is None:
            return False
        _release(job, steps)
        job.status, job.finished_at = DONE, _now()
        if also is not None:
            also(s)
        s.commit()
        return True


def fail(db: Database, job_id: int, worker_id: str, error: str, steps: Sequence[str],
         retry_in: Callable[[int], float], permanent: bool = False) -> str | None:
    """Record a failed attempt: back to the queue after `retry_in(attempts)` seconds, or to
    the dead letters when attempts are used up or the error is permanent. Returns the new
    status (None when the lease was lost)."""
    with db.session() as s:
        job = _owned(s, job_id, worker_id, None)
        if job is None:
            return None
        now = _now()
        _release(job, steps)
        job.last_error = error[:MAX_ERROR_CHARS]
        if permanent or job.attempts >= job.max_attempts:
            job.status, job.finished_at = DEAD, now
        else:
            job.status = QUEUED
            job.run_at = now + timedelta(seconds=retry_in(job.attempts))
        status = job.status
        s.commit()
        return status
