"""The `webhook` job: classify an accepted delivery through the ingest path of the service.

The worker runs what a synchronous ingest would: parse the stored body, size the long
text, `ingest_message`, and queue the write-back (alerts are queued by ingest itself). A
worker that dies mid-job leaves its lease to expire and another runs the job again;
ingest is idempotent on the message id and the write-back on its job key, so nothing is
counted or sent twice. Errors a retry cannot fix (a conflict, an unreadable body, a
deleted tenant) send the job to the dead letters at once, with the reason.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.context import Services, TenantContext
from service.db.models import Tenant
from service.ingest import IngestError, ingest_message
from service.integrations import PayloadError
from service.integrations.common import Ignored
from service.integrations.deliveries import KIND, parse_delivery
from service.integrations.long_text import size_message
from service.jobs.worker import Handler, JobContext, PermanentError
from service.writeback.schedule import schedule_writeback

logger = logging.getLogger(__name__)

MIN_WAIT_S = 30.0  # how long a worker waits for the service loop's ingest, at least

__all__ = ["KIND", "make_handler"]


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
        try:
            helpdesk, raw = str(p["helpdesk"]), str(p["raw"]).encode("utf-8")
            parsed = parse_delivery(helpdesk, raw)
        except (PayloadError, KeyError, UnicodeEncodeError) as exc:
            raise PermanentError(f"the delivery cannot be read: {exc}") from exc
        with ctx.db.session() as s:
            tenant = _tenant(s, str(p.get("tenant")))
        if tenant is None:
            raise PermanentError(f"tenant {p.get('tenant')!r} no longer exists")
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
