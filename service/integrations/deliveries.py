"""Webhook deliveries: accepted into the job queue at once, classified by a worker after.

Chatwoot gives up on a delivery after 5 s and does not retry, so the request only checks
what is cheap (authentication, the payload's shape, the tenant) and stores the verified
body as a job (kind `webhook`); the answer is 202 with the job's id. Deliveries arriving
together share one transaction (AcceptBatcher). A worker then runs the same path a
synchronous ingest would (service.integrations.delivery_jobs).

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db.models import Job, Tenant
from service.db.session import Database
from service.ingest import IncomingMessage, IngestError, _validate
from service.integrations import PayloadError, chatwoot, zammad
from service.integrations.common import Ignored, Parsed, json_body
from service.jobs.queue import QUEUED, NewJob, enqueue_many
from service.writeback.note import is_own_note

KIND = "webhook"
MAX_KEY_CHARS = 300  # the jobs.key column
_PARSERS: dict[str, Callable[[dict[str, Any]], Parsed]] = {
    "chatwoot": chatwoot.parse_payload, "zammad": zammad.parse_payload}


@dataclass(frozen=True)
class Accepted:
    job_id: int
    status: str  # the job's status now
    created: bool  # False: a job for this very delivery existed already


def parse_delivery(helpdesk: str, raw: bytes) -> Parsed:
    """The delivery as a message, or why it is ignored; PayloadError when malformed."""
    payload = json_body(raw)  # decoded once: the echo check and the parser share it
    if is_own_note(helpdesk, payload):
        return Ignored("toneguard's own note (write-back echo)")
    parsed = _PARSERS[helpdesk](payload)
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


@dataclass(frozen=True)
class Delivery:
    """A verified, parsed delivery waiting to be stored."""

    tenant: str
    helpdesk: str
    raw: bytes
    parsed: IncomingMessage


class TenantIds:
    """Tenant name -> id, remembered once found: tenants are never renamed or deleted, so a
    burst of deliveries does not pay a lookup per transaction. Unknown names are asked for
    every time (a tenant created later is found at once)."""

    def __init__(self, max_entries: int = 10_000) -> None:
        self.max_entries = max_entries
        self._known: dict[str, int] = {}

    def lookup(self, session: Session, names: set[str]) -> dict[str, int]:
        found = {n: self._known[n] for n in names if n in self._known}
        missing = sorted(names - found.keys())
        if missing:
            rows = session.execute(
                select(Tenant.name, Tenant.id).where(Tenant.name.in_(missing))).all()
            if len(self._known) + len(rows) > self.max_entries:
                self._known.clear()  # bounded: the next bursts refill it
            for name, tenant_id in rows:
                found[str(name)] = self._known[str(name)] = int(tenant_id)
        return found


def accept_many(db: Database, items: Sequence[Delivery], max_attempts: int,
                tenants: TenantIds | None = None) -> list[Accepted | None]:
    """Store deliveries as jobs in one transaction (once per key) and say which job carries
    each; None for a tenant that does not exist. The answers wait on this commit, so
    deliveries arriving together share it (AcceptBatcher)."""
    keys = [job_key(d.tenant, d.parsed) for d in items]
    with db.session() as s:
        tenant_ids = (tenants or TenantIds()).lookup(s, {d.tenant for d in items})
        jobs = [NewJob(KIND, key, _payload(d), tenant_ids[d.tenant])
                for d, key in zip(items, keys, strict=True) if d.tenant in tenant_ids]
        added = enqueue_many(s, jobs, max_attempts)
        s.commit()
        earlier = [k for k in keys if k not in added]
        found = {str(k): (int(i), str(st)) for k, i, st in s.execute(
            select(Job.key, Job.id, Job.status).where(Job.key.in_(earlier))).all()} \
            if earlier else {}
    out: list[Accepted | None] = []
    seen: set[str] = set()
    for d, key in zip(items, keys, strict=True):
        if d.tenant not in tenant_ids:
            out.append(None)
        elif key in added:  # the first of this key in the batch made the job
            out.append(Accepted(added[key], QUEUED, created=key not in seen))
        else:
            job_id, status = found[key]
            out.append(Accepted(job_id, status, created=False))
        seen.add(key)
    return out


def _payload(d: Delivery) -> dict[str, Any]:
    return {"helpdesk": d.helpdesk, "tenant": d.tenant, "message_id": d.parsed.message_id,
            "client_id": d.parsed.client_id, "raw": d.raw.decode("utf-8")}


class AcceptBatcher:
    """Stores the deliveries that arrive while a transaction runs together in the next one:
    a burst costs a few commits instead of one per delivery, and no delivery waits for
    company (a lone one is stored at once)."""

    def __init__(self, db: Database, max_attempts: int, max_batch: int = 64,
                 writers: int | None = None) -> None:
        """`writers` transactions may run at once (one commits while the next fills);
        default two, one on SQLite, whose writers take turns anyway."""
        self.db, self.max_attempts, self.max_batch = db, max_attempts, max_batch
        self.writers = writers or (1 if db.dialect == "sqlite" else 2)
        self.tenants = TenantIds()
        self._queue: asyncio.Queue[tuple[Delivery, asyncio.Future[Accepted | None]]] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._loop: asyncio.AbstractEventLoop | None = None

    async def accept(self, item: Delivery) -> Accepted | None:
        loop = asyncio.get_running_loop()
        if self._queue is None or self._loop is not loop or all(t.done() for t in self._tasks):
            self._loop, self._queue = loop, asyncio.Queue()
            self._tasks = [loop.create_task(self._run(self._queue), name=f"webhook-accept-{i}")
                           for i in range(self.writers)]
        future: asyncio.Future[Accepted | None] = loop.create_future()
        self._queue.put_nowait((item, future))
        return await future

    async def _run(self, queue: asyncio.Queue[tuple[Delivery,
                                                      asyncio.Future[Accepted | None]]]) -> None:
        while True:
            batch = [await queue.get()]
            while len(batch) < self.max_batch and not queue.empty():
                batch.append(queue.get_nowait())
            try:
                results = await anyio.to_thread.run_sync(
                    accept_many, self.db, [d for d, _ in batch], self.max_attempts,
                    self.tenants)
            except Exception as exc:  # the database is down: every caller hears it
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)
