"""The job queue on a real database (SQLite and PostgreSQL): idempotent enqueue, leases,
retries with backoff, dead letters, and no job run twice by concurrent workers."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest

from service.config import Settings
from service.db.models import Job
from service.jobs import DEAD, DONE, QUEUED, RUNNING, JobContext, PermanentError, Worker, queue
from service.jobs.admin import NotDead, dead_jobs, retry_dead
from service.jobs.backoff import backoff_delay
from service.jobs.worker import WorkerThreads


def settings(db: Any, **kw: Any) -> Settings:
    base: dict[str, Any] = {"database_url": db.url, "database_schema": db.schema,
                            "jobs_backoff_seconds": 0.05, "jobs_lease_seconds": 30.0,
                            "jobs_max_attempts": 5, "jobs_poll_seconds": 0.02}
    return Settings(**(base | kw))


def put(db: Any, key: str, kind: str = "test", max_attempts: int = 5, **payload: Any) -> bool:
    with db.session() as s:
        added = queue.enqueue(s, kind=kind, key=key, payload=payload, max_attempts=max_attempts)
        s.commit()
    return added


def row(db: Any, key: str) -> Job:
    with db.session() as s:
        from sqlalchemy import select

        job = s.scalar(select(Job).where(Job.key == key))
        assert job is not None
        return job


def test_backoff_doubles_up_to_the_cap() -> None:
    assert [backoff_delay(n, 10, 3600, rand=lambda: 0.5) for n in (1, 2, 3, 4)] == [
        10, 20, 40, 80]
    assert backoff_delay(30, 10, 3600, rand=lambda: 0.5) == 3600
    assert backoff_delay(1, 10, 3600, rand=lambda: 0.0) == 7.5  # jitter: -25% .. +25%
    assert backoff_delay(1, 10, 3600, rand=lambda: 1.0) == 12.5


def test_one_job_per_key(migrated_db: Any) -> None:
    assert put(migrated_db, "writeback:acme:m1", n=1)
    assert not put(migrated_db, "writeback:acme:m1", n=2)
    runs: list[int] = []
    worker = Worker(migrated_db, settings(migrated_db),
                    {"test": lambda ctx: runs.append(ctx.payload["n"])})
    assert worker.run_until_idle() == 1
    assert runs == [1]
    assert row(migrated_db, "writeback:acme:m1").status == DONE


def test_failures_retry_with_growing_backoff_then_succeed(migrated_db: Any) -> None:
    put(migrated_db, "flaky")
    attempts: list[float] = []

    def flaky(ctx: JobContext) -> None:
        attempts.append(time.monotonic())
        if len(attempts) < 3:
            raise RuntimeError(f"helpdesk down ({len(attempts)})")

    worker = Worker(migrated_db, settings(migrated_db), {"test": flaky})
    assert worker.run_once()
    first = row(migrated_db, "flaky")
    assert first.status == QUEUED and first.attempts == 1
    assert first.last_error == "RuntimeError: helpdesk down (1)"
    delay1 = (first.run_at - first.updated_at).total_seconds()
    assert not worker.run_once()  # not due yet: backing off
    time.sleep(delay1 + 0.02)
    assert worker.run_once()
    second = row(migrated_db, "flaky")
    delay2 = (second.run_at - second.updated_at).total_seconds()
    assert second.attempts == 2 and delay2 > delay1  # 2x base vs 1x base, +-25% each
    time.sleep(delay2 + 0.02)
    assert worker.run_once()
    done = row(migrated_db, "flaky")
    assert done.status == DONE and done.attempts == 3 and len(attempts) == 3


def test_exhausted_attempts_dead_letter_and_retry(migrated_db: Any) -> None:
    put(migrated_db, "doomed", max_attempts=2)
    healthy = threading.Event()

    def handler(ctx: JobContext) -> None:
        if not healthy.is_set():
            raise ConnectionError("refused")

    worker = Worker(migrated_db, settings(migrated_db, jobs_backoff_seconds=0.01),
                    {"test": handler})
    worker.run_once()
    time.sleep(0.05)
    worker.run_once()
    job = row(migrated_db, "doomed")
    assert job.status == DEAD and job.attempts == 2 and "refused" in (job.last_error or "")
    with migrated_db.session() as s:
        dead, total = dead_jobs(s, None)
        assert total == 1 and dead[0].key == "doomed"
        healthy.set()
        again = retry_dead(s, None, job.id)
        assert again is not None and again.status == QUEUED and again.attempts == 0
        with pytest.raises(NotDead):
            retry_dead(s, None, job.id)
    assert worker.run_until_idle() == 1
    assert row(migrated_db, "doomed").status == DONE


def test_permanent_error_is_dead_at_once(migrated_db: Any) -> None:
    put(migrated_db, "bad-token")

    def handler(ctx: JobContext) -> None:
        raise PermanentError("HTTP 401: Invalid Access Token")

    Worker(migrated_db, settings(migrated_db), {"test": handler}).run_once()
    job = row(migrated_db, "bad-token")
    assert job.status == DEAD and job.attempts == 1 and "401" in (job.last_error or "")


def test_unknown_kind_is_dead(migrated_db: Any) -> None:
    put(migrated_db, "mystery", kind="no-such-kind")
    Worker(migrated_db, settings(migrated_db), {}).run_once()
    assert row(migrated_db, "mystery").status == DEAD


def test_expired_lease_is_taken_over_and_the_old_owner_cannot_finish(migrated_db: Any) -> None:
    put(migrated_db, "orphan")
    stalled = queue.claim(migrated_db, "worker-a", lease_seconds=0.3)
    assert stalled is not None and stalled.attempts == 1
    runs: list[str] = []
    b = Worker(migrated_db, settings(migrated_db), {"test": lambda ctx: runs.append("b")},
               worker_id="worker-b")
    assert not b.run_once()  # leased to worker-a
    assert row(migrated_db, "orphan").status == RUNNING
    time.sleep(0.35)
    assert b.run_once()
    job = row(migrated_db, "orphan")
    assert runs == ["b"] and job.status == DONE and job.attempts == 2
    # worker-a wakes up: its lease is gone, so it changes nothing.
    assert not queue.complete(migrated_db, stalled.id, "worker-a", ["late"])
    assert queue.fail(migrated_db, stalled.id, "worker-a", "late", [], lambda n: 1.0) is None
    assert row(migrated_db, "orphan").done_steps == []


def test_worker_dying_on_the_last_attempt_buries_the_job(migrated_db: Any) -> None:
    put(migrated_db, "crashy", max_attempts=1)
    assert queue.claim(migrated_db, "worker-a", lease_seconds=0.1) is not None
    time.sleep(0.15)
    assert queue.claim(migrated_db, "worker-b", lease_seconds=5) is None
    job = row(migrated_db, "crashy")
    assert job.status == DEAD and "lease expired" in (job.last_error or "")


def test_finished_steps_are_not_repeated_on_retry(migrated_db: Any) -> None:
    put(migrated_db, "two-steps")
    calls: Counter[str] = Counter()

    def handler(ctx: JobContext) -> None:
        ctx.step("labels", lambda: calls.update(["labels"]))

        def note() -> None:
            calls.update(["note"])
            if calls["note"] == 1:
                raise RuntimeError("500 on the note")

        ctx.step("note", note)

    worker = Worker(migrated_db, settings(migrated_db, jobs_backoff_seconds=0.01),
                    {"test": handler})
    worker.run_once()
    assert row(migrated_db, "two-steps").done_steps == ["labels"]
    time.sleep(0.05)
    worker.run_once()
    job = row(migrated_db, "two-steps")
    assert job.status == DONE and job.done_steps == ["labels", "note"]
    assert calls == Counter(labels=1, note=2)


def test_concurrent_workers_run_each_job_once(migrated_db: Any) -> None:
    for i in range(30):
        put(migrated_db, f"bulk-{i}", i=i)
    seen: Counter[int] = Counter()
    lock = threading.Lock()

    def handler(ctx: JobContext) -> None:
        with lock:
            seen.update([ctx.payload["i"]])

    workers = [Worker(migrated_db, settings(migrated_db), {"test": handler}) for _ in range(4)]
    threads = [threading.Thread(target=w.run_until_idle) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert seen == Counter(range(30))


def test_worker_threads_start_work_and_stop(migrated_db: Any) -> None:
    done = threading.Event()
    s = settings(migrated_db, jobs_workers=2)
    from service.jobs import registry

    registry.register("test-thread", lambda ctx: done.set())
    try:
        threads = WorkerThreads(migrated_db, s).start()
        put(migrated_db, "threaded", kind="test-thread")
        assert done.wait(10)
        threads.stop(10)
        assert not any(t.is_alive() for t in threads.threads)
    finally:
        registry._extra.pop("test-thread", None)
    deadline = time.monotonic() + 5
    while row(migrated_db, "threaded").status != DONE and time.monotonic() < deadline:
        time.sleep(0.02)
    finished = row(migrated_db, "threaded")
    assert finished.status == DONE
    assert finished.finished_at is not None and finished.finished_at <= datetime.now(UTC)
