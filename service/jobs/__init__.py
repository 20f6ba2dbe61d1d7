"""A durable job queue on the service's own database (SQLite or PostgreSQL).

Jobs carry an idempotency key (unique), are leased to one worker at a time, retried with
exponential backoff and dead-lettered after `jobs_max_attempts`. Workers run as threads in
the service (`jobs_workers`) or as `toneguard jobs work`.
"""

from service.jobs.queue import DEAD, DONE, QUEUED, RUNNING, JobView, enqueue
from service.jobs.worker import JobContext, PermanentError, Worker, WorkerThreads

__all__ = [
    "DEAD",
    "DONE",
    "QUEUED",
    "RUNNING",
    "JobContext",
    "JobView",
    "PermanentError",
    "Worker",
    "WorkerThreads",
    "enqueue",
]
