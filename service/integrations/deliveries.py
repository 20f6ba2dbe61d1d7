"""Webhook deliveries: accepted into the job queue at once, classified by a worker after.

Chatwoot gives up on a delivery after 5 s and does not retry, so the request only checks
what is cheap (authentication, the payload's shape, the tenant) and stores the verified
body as a job (kind `webhook`); the answer is 202 with the job's id. A worker then runs
the same path a synchronous ingest would: parse, size the long text, `ingest_message`,
and queue the write-back (alerts are queued by ingest itself).

Nothing accepted is lost: the job commits before the 202, and a worker that dies leaves
its lease to expire, after which another worker runs the job again. Nothing is counted
twice: ingest is idempotent on the message id, and so is the write-back job's key. The
job key carries the message id and a hash of its content, so a redelivery adds no job,
while the same id with different content gets its own job, which ends in the dead letters
with ingest's conflict as its reason.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.context import Services, TenantContext
from service.db.models import Job, Tenant
from service.db.session import Database
from service.ingest import IngestError, _validate, ingest_message
from service.integrations import PayloadError, chatwoot, zammad
from service.integrations.common import Ignored, Parsed
from service.integrations.long_text import size_message
from service.jobs.queue import QUEUED, enqueue_id
from service.jobs.worker import Handler, JobContext, PermanentError
from service.writeback.note import is_own_note
from service.writeback.schedule import schedule_writeback

logger = logging.getLogger(__name__)

KIND = "webhook"
MAX_KEY_CHARS = 300  # the jobs.key column
MIN_WAIT_S = 30.0  # how long a worker waits for the service loop's ingest, at least
_PARSERS: dict[str, Callable[[bytes], Parsed]] = {
    "chatwoot": chatwoot.parse, "zammad": zammad.parse}


@dataclass(frozen=True)
class Accepted:
    job_id: int
    status: str  # the job's status now
    created: bool  # False: a job for this very delivery existed already


def parse_delivery(helpdesk: str, raw: bytes) -> Parsed:
    """The delivery as a message, or why it is ignored; PayloadError when malformed."""
    if is_own_note(helpdesk, raw):
        return Ignored("toneguard's own note (write-back echo)")
    parsed = _PARSERS[helpdesk](raw)
    if not isinstance(parsed, Ignored):
        try:
            _validate(parsed)  # NUL characters, lone surrogates: refused now, not later
        except IngestError as exc:
            raise PayloadError("body", str(exc)) from exc
    return parsed


def job_key(tenant: str, parsed: Parsed) -> str:
    """One job per (tenant, message id, content); hashed when the ids are very long."""
    assert not isinstance(parsed, Ignored)
    content = parsed.content_hash()[:16]
    key = f"{KIND}:{tenant}:{parsed.message_id}:{content}"
    if len(key) <= MAX_KEY_CHARS:
        return key
    digest = hashlib.sha256(f"{parsed.message_id}\x00{content}".encode()).hexdigest()
    return f"{KIND}:{tenant}:sha256:{digest}"


def accept(db: Database, tenant_name: str, helpdesk: str, raw: bytes, parsed: Parsed,
           max_attempts: int) -> Accepted | None:
    """Store the verified delivery as a job (once per key) and say which job carries it;
    None when the tenant does not exist. One short transaction: the answer waits on it."""
    assert not isinstance(parsed, Ignored)
    key = job_key(tenant_name, parsed)
    payload = {"helpdesk": helpdesk, "tenant": tenant_name, "message_id": parsed.message_id,
               "client_id": parsed.client_id, "raw": raw.decode("utf-8")}
    with db.session() as s:
        tenant_id = s.scalar(select(Tenant.id).where(Tenant.name == tenant_name))
        if tenant_id is None:
            return None
        job_id = enqueue_id(s, kind=KIND, key=key, payload=payload, tenant_id=tenant_id,
                            max_attempts=max_attempts)
        s.commit()
        if job_id is not None:
            return Accepted(job_id=job_id, status=QUEUED, created=True)
        row = s.execute(select(Job.id, Job.status).where(Job.key == key)).one()
    return Accepted(job_id=row.id, status=row.status, created=False)


def _tenant(s: Session, name: str) -> TenantContext | None:
    row = s.scalar(select(Tenant).where(Tenant.name == name))
    if row is None:
        return None
    return TenantContext(id=row.id, name=row.name, business_hours=row.business_hours,
                         sensitivity=row.sensitivity)


def make_handler(services: Services, loop: asyncio.AbstractEventLoop) -> Handler:
    """The `webhook` job handler of one running service: the model and its batching live
    on the service's event loop, so the worker thread hands ingest to that loop."""

    def handle(ctx: JobContext) -> None:
        p: dict[str, Any] = ctx.payload
        helpdesk, raw = str(p["helpdesk"]), str(p["raw"]).encode("utf-8")
        with ctx.db.session() as s:
            tenant = _tenant(s, str(p["tenant"]))
        if tenant is None:
            raise PermanentError(f"tenant {p['tenant']!r} no longer exists")
        try:
            parsed = parse_delivery(helpdesk, raw)
        except (PayloadError, KeyError) as exc:
            raise PermanentError(f"the delivery cannot be read: {exc}") from exc
        if isinstance(parsed, Ignored):
            ctx.result = {"status": "ignored", "reason": parsed.reason}
            return
        svc = replace(services, db=ctx.db, settings=ctx.settings)
        limits = ctx.settings
        sized = size_message(parsed, limits.max_text_chars, limits.webhook_max_stored_chars)
        work = ingest_message(svc, tenant, sized.message,
                              max_chars=limits.webhook_max_stored_chars,
                              classify_end=sized.classify_end)
        wait = max(limits.jobs_lease_seconds, MIN_WAIT_S)
        running = asyncio.run_coroutine_threadsafe(work, loop)
        try:
            result = running.result(timeout=wait)
        except IngestError as exc:  # a conflict or an invalid message stays so: no retry
            raise PermanentError(f"{type(exc).__name__}: {exc}") from exc
        except TimeoutError as exc:  # retried later (with backoff)
            running.cancel()
            raise RuntimeError(f"classification did not finish within {wait:.0f} s") from exc
        schedule_writeback(svc, tenant, helpdesk, raw, result)
        ctx.result = {
            "status": "ingested" if result.created else "duplicate",
            "labels": list(result.message.labels), "risk_level": result.tally.risk_level,
            "truncated": sized.truncated, "stored_trimmed": sized.stored_trimmed,
            "received_chars": sized.received_chars,
        }
        ctx.forget = ("raw",)  # the message is stored now; a dead job keeps its body
        logger.debug("webhook job %s: %s %s", ctx.job.id, ctx.result["status"],
                     parsed.message_id)

    return handle
