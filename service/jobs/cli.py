"""`toneguard jobs work|dead|retry`: run workers outside the service and manage dead letters."""

from __future__ import annotations

import signal
import threading
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from service.config import Settings

jobs_app = typer.Typer(no_args_is_help=True, help="Background jobs: write-back and alerts.")


def _tenant_id(session: Session, name: str) -> int | None:
    from sqlalchemy import select

    from service.db.models import Tenant

    return session.scalar(select(Tenant.id).where(Tenant.name == name))


@jobs_app.command("work")
def work(
    until_idle: Annotated[bool, typer.Option(
        "--until-idle", help="Exit once no job is due (for cron or scripts).")] = False,
    classify: Annotated[bool, typer.Option(
        "--classify", help="Load the model and classify accepted webhook deliveries too "
        "(run the service with TONEGUARD_JOBS_WORKERS=0 then).")] = False,
    threads: Annotated[int, typer.Option(
        min=1, max=16, help="Worker threads (with --classify).")] = 2,
    nice: Annotated[int, typer.Option(
        min=0, max=19, help="Lower this process's CPU priority by this much, so that the "
        "service's workers answering requests come first (10 is a good start).")] = 0,
    idle: Annotated[bool, typer.Option(
        "--idle", help="Run only on CPU time nobody else wants (Linux SCHED_IDLE): the "
        "service preempts the model at once.")] = False,
) -> None:
    """Run a job worker until interrupted (Ctrl-C or SIGTERM finish the current job first).

    It runs write-back and alerts; accepted webhook deliveries are classified by the
    service's workers (they hold the model), or here with `--classify`."""
    from service.commands import _database
    from service.jobs.classifying import idle_policy, lower_priority

    if nice:
        typer.echo(f"nice value now {lower_priority(nice)}", err=True)
    if idle and idle_policy():
        typer.echo("CPU policy: idle (SCHED_IDLE)", err=True)
    settings, db = _database()
    stop = threading.Event()
    if classify and not until_idle:
        db.dispose()
        _classify_until_stopped(settings.model_copy(update={"jobs_workers": threads}), stop)
        return
    from service.jobs.registry import handlers
    from service.jobs.worker import Worker

    # Only the kinds it can run: webhook deliveries need the model (--classify).
    worker = Worker(db, settings, kinds=sorted(handlers()))
    if until_idle:
        n = worker.run_until_idle()
        typer.echo(f"ran {n} job(s)")
        return
    _stop_on_signals(stop)
    typer.echo(f"job worker {worker.worker_id} started", err=True)
    worker.run(stop)


def _stop_on_signals(stop: threading.Event) -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())


def _classify_until_stopped(settings: Settings, stop: threading.Event) -> None:
    from service.jobs.classifying import classifying_services
    from service.jobs.worker import WorkerThreads

    _stop_on_signals(stop)
    with classifying_services(settings) as services:
        workers = WorkerThreads(services.db, settings).start()
        typer.echo(f"classifying job worker started: {settings.jobs_workers} thread(s), "
                   f"model {services.engine.classifier.name}", err=True)
        while not stop.wait(1.0):  # a timed wait lets the signal handler run
            pass
        workers.stop()


@jobs_app.command("dead")
def dead(
    tenant: Annotated[str, typer.Option("--tenant", help="Tenant name.")] = "default",
) -> None:
    """List a tenant's dead-lettered jobs: id, kind, attempts, key, last error."""
    from service.commands import _database
    from service.jobs.admin import dead_jobs

    _, db = _database()
    with db.session() as s:
        tenant_id = _tenant_id(s, tenant)
        rows, total = dead_jobs(s, tenant_id, limit=1000) if tenant_id else ([], 0)
    for j in rows:
        typer.echo(f"{j.id}\t{j.kind}\t{j.attempts}\t{j.key}\t{j.last_error or ''}")
    typer.echo(f"{total} dead job(s)", err=True)


@jobs_app.command("retry")
def retry(
    job_id: Annotated[int, typer.Argument(help="The dead job's id.")],
    tenant: Annotated[str, typer.Option("--tenant", help="Tenant name.")] = "default",
) -> None:
    """Queue a dead-lettered job again."""
    from service.commands import _database
    from service.jobs.admin import NotDead, retry_dead

    _, db = _database()
    with db.session() as s:
        tenant_id = _tenant_id(s, tenant)
        try:
            job = retry_dead(s, tenant_id, job_id) if tenant_id else None
        except NotDead as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from exc
    if job is None:
        typer.echo(f"no job {job_id} for tenant {tenant!r}", err=True)
        raise typer.Exit(1)
    typer.echo(f"job {job_id} queued again")
