"""GET /v1/jobs/dead and POST /v1/jobs/dead/{id}/retry: the tenant's dead-lettered jobs;
GET /v1/jobs/{id}: one job (an accepted webhook delivery's progress and result).

A job lands here after `jobs_max_attempts` failed attempts or a failure retrying cannot
fix (a wrong helpdesk token, a conversation that no longer exists). After fixing the
cause, a retry queues it again with fresh attempts; steps it had finished are skipped.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query

from service.api.deps import SessionDep, TenantDep
from service.api.schemas.common import errors
from service.api.schemas.jobs import JobOut, JobPage
from service.jobs.admin import NotDead, dead_jobs, get_job, retry_dead
from service.jobs.queue import JobView

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])
_HIDDEN = ("note", "raw")  # long texts: the note to post, a webhook's raw body


def job_out(j: JobView) -> JobOut:
    return JobOut(
        id=j.id, kind=j.kind, key=j.key, status=j.status, attempts=j.attempts,
        max_attempts=j.max_attempts, done_steps=j.done_steps, last_error=j.last_error,
        details={k: v for k, v in j.payload.items() if k not in _HIDDEN},
        created_at=j.created_at, updated_at=j.updated_at, run_at=j.run_at,
    )


@router.get("/dead", response_model=JobPage, responses=errors(401, 422))
def list_dead(
    tenant: TenantDep, session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> JobPage:
    """Dead-lettered jobs, most recently failed first, with the last error."""
    rows, total = dead_jobs(session, tenant.id, limit, offset)
    return JobPage(items=[job_out(j) for j in rows], total=total, limit=limit, offset=offset)


@router.post("/dead/{job_id}/retry", response_model=JobOut, responses=errors(401, 404, 409, 422))
def retry(
    job_id: Annotated[int, Path(ge=1, le=2**62)], tenant: TenantDep, session: SessionDep,
) -> JobOut:
    """Queue a dead job again (409 when it is not dead, 404 when it is not yours)."""
    try:
        job = retry_dead(session, tenant.id, job_id)
    except NotDead as exc:
        raise HTTPException(409, str(exc)) from exc
    if job is None:
        raise HTTPException(404, f"no job {job_id}")
    return job_out(job)


@router.get("/{job_id}", response_model=JobOut, responses=errors(401, 404, 422))
def one(
    job_id: Annotated[int, Path(ge=1, le=2**62)], tenant: TenantDep, session: SessionDep,
) -> JobOut:
    """One of the tenant's jobs: status, attempts, last error and, once done, its result
    (for a webhook delivery: details.result with the labels and risk level)."""
    job = get_job(session, tenant.id, job_id)
    if job is None:
        raise HTTPException(404, f"no job {job_id}")
    return job_out(job)
