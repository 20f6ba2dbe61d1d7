"""Workers: claim a job, run its handler, then complete it, retry it later or bury it.

A handler does its outgoing calls through `JobContext.step(name, call)`: a step already
recorded for the job is skipped, and finished steps are recorded together with the job's
next state change (so the last call and the job's completion commit in one transaction).
A crash between a call and that commit leaves the job leased; once the lease expires
another worker runs it again, which is why each call must be safe to repeat (handlers
look for their own earlier result, keyed by the job's idempotency key, before sending).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from service.config import Settings
from service.db.models import Job
from service.db.session import Database
from service.jobs import queue
from service.jobs.backoff import backoff_delay
from service.jobs.foreground import ForegroundActivity, board_path, open_board

logger = logging.getLogger(__name__)


class PermanentError(Exception):
    """Retrying cannot help (bad token, unknown conversation): straight to the dead letters."""


class LeaseLost(Exception):
    """Another worker owns the job now; this one stops touching it."""


@dataclass
class JobContext:
    """What a handler gets: the job, the settings, the database and the step recorder."""

    job: queue.JobView
    settings: Settings
    db: Database
    worker_id: str
    pending: list[str] = field(default_factory=list)
    # What the job produced, kept in its payload under "result" when it completes (so an
    # accepted webhook delivery can be looked up: GET /v1/jobs/{id}).
    result: dict[str, Any] | None = None
    # Payload keys not worth keeping once the job is done (a webhook's raw body).
    forget: tuple[str, ...] = ()

    @property
    def payload(self) -> dict[str, Any]:
        return self.job.payload

    def done(self, name: str) -> bool:
        return name in self.job.done_steps or name in self.pending

    def step(self, name: str, call: Callable[[], Any]) -> None:
        """Run `call` unless step `name` already ran for this job; then remember it."""
        if self.done(name):
            return
        if self.pending:  # earlier steps are recorded (and the lease renewed) before this one
            if not queue.heartbeat(self.db, self.job.id, self.worker_id, self.pending,
                                   self.settings.jobs_lease_seconds):
                raise LeaseLost(self.job.id)
            self.job = _with_steps(self.job, self.pending)
            self.pending = []
        call()
        self.pending.append(name)


def _keep_result(ctx: JobContext) -> Callable[[Session], None] | None:
    """The completion's extra write: the handler's result into the job's payload (and the
    keys it asked to forget out of it)."""
    if ctx.result is None and not ctx.forget:
        return None
    payload = {k: v for k, v in ctx.job.payload.items() if k not in ctx.forget}
    if ctx.result is not None:
        payload["result"] = ctx.result
    job_id = ctx.job.id

    def write(s: Session) -> None:
        s.execute(update(Job).where(Job.id == job_id).values(payload=payload))

    return write


def _with_steps(job: queue.JobView, steps: list[str]) -> queue.JobView:
    return replace(job, done_steps=job.done_steps + [s for s in steps if s not in job.done_steps])


Handler = Callable[[JobContext], None]


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    """Runs jobs one at a time; several workers (threads or processes) may share a queue."""

    def __init__(self, db: Database, settings: Settings,
                 handlers: Mapping[str, Handler] | None = None,
                 worker_id: str | None = None, kinds: Sequence[str] | None = None) -> None:
        """`kinds`: claim only these job kinds (None: all). A worker without the model
        (`toneguard jobs work`) leaves webhook deliveries to the service's own workers."""
        from service.jobs.registry import handlers as registered

        self.db = db
        self.settings = settings
        self.handlers = dict(handlers) if handlers is not None else registered()
        self.worker_id = worker_id or new_worker_id()
        self.kinds = list(kinds) if kinds is not None else None

    def _retry_in(self, attempt: int) -> float:
        return backoff_delay(attempt, self.settings.jobs_backoff_seconds,
                             self.settings.jobs_backoff_max_seconds)

    def run_once(self) -> bool:
        """Claim and run one due job; False when none was due."""
        job = queue.claim(self.db, self.worker_id, self.settings.jobs_lease_seconds,
                          self.kinds)
        if job is None:
            return False
        ctx = JobContext(job, self.settings, self.db, self.worker_id)
        handler = self.handlers.get(job.kind)
        try:
            if handler is None:
                raise PermanentError(f"no handler for job kind {job.kind!r}")
            handler(ctx)
        except LeaseLost:
            return True
        except PermanentError as exc:
            logger.warning("job %s (%s) failed for good: %s", job.id, job.key, exc)
            queue.fail(self.db, job.id, self.worker_id, str(exc), ctx.pending, self._retry_in,
                       permanent=True)
            return True
        except Exception as exc:  # any other failure is retried with backoff
            logger.warning("job %s (%s) attempt %d failed: %s", job.id, job.key, job.attempts,
                           exc, exc_info=logger.isEnabledFor(logging.DEBUG))
            status = queue.fail(self.db, job.id, self.worker_id, f"{type(exc).__name__}: {exc}",
                                ctx.pending, self._retry_in)
            if status == queue.DEAD:
                logger.error("job %s (%s) is dead after %d attempts", job.id, job.key,
                             job.attempts)
            return True
        queue.complete(self.db, job.id, self.worker_id, ctx.pending, _keep_result(ctx))
        return True

    def run_until_idle(self, limit: int = 10_000) -> int:
        """Run due jobs until none is left (jobs waiting on backoff stay); how many ran."""
        n = 0
        while n < limit and self.run_once():
            n += 1
        return n

    def run(self, stop: threading.Event, wake: threading.Event | None = None,
            foreground: ForegroundActivity | None = None) -> None:
        """Work until `stop` is set, sleeping `jobs_poll_seconds` when idle (or until `wake`
        is set: a new job was just queued in this process). With `foreground`, each claim
        waits for a pause in the deliveries being accepted (service.jobs.foreground)."""
        while not stop.is_set():
            if foreground is not None:
                foreground.wait_quiet(stop)
            try:
                busy = self.run_once()
            except Exception:  # the database may be briefly unreachable: wait, then go on
                logger.exception("job worker %s: claim failed", self.worker_id)
                busy = False
            if not busy:
                if wake is None:
                    stop.wait(self.settings.jobs_poll_seconds)
                else:
                    wake.wait(self.settings.jobs_poll_seconds)
                    wake.clear()


class WorkerThreads:
    """`jobs_workers` daemon threads inside the service process, stopped by `stop()`."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.stop_event = threading.Event()
        self.wake_event = threading.Event()
        # Webhook accepts note themselves here; the threads hold off claiming meanwhile.
        # The board carries the arrivals to a classifying process on this host too.
        board = (open_board(board_path(settings.data_dir, settings.database_url,
                                           settings.database_schema))
                 if settings.jobs_yield_quiet_seconds > 0 else None)
        self.foreground = ForegroundActivity(settings.jobs_yield_quiet_seconds,
                                             settings.jobs_yield_max_seconds, board)
        self.threads = [
            threading.Thread(target=Worker(db, settings).run,
                             args=(self.stop_event, self.wake_event, self.foreground),
                             name=f"toneguard-jobs-{i}", daemon=True)
            for i in range(settings.jobs_workers)
        ]

    def wake(self) -> None:
        """A job was queued: idle threads look now instead of at their next poll."""
        self.wake_event.set()

    def start(self) -> WorkerThreads:
        for t in self.threads:
            t.start()
        if self.threads:
            logger.info("started %d job worker thread(s)", len(self.threads))
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Let each thread finish its current job, then return."""
        self.stop_event.set()
        self.wake_event.set()
        for t in self.threads:
            t.join(timeout)
            if t.is_alive():
                logger.warning("job worker %s still busy at shutdown; its lease will expire",
                               t.name)
