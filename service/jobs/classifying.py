"""A job worker process that holds the model: webhook deliveries classified outside the service.

The service's own job threads classify accepted deliveries on the service's cores, so a
burst of deliveries competes with the model for them. Run here instead (`toneguard jobs
work --classify`, with `TONEGUARD_JOBS_WORKERS=0` on the service), the model can get a lower
OS priority (`--nice`): the accepting workers then take the cores whenever they need them and
the classifications fill the rest. The services are built exactly as the service builds them
(`service.main.open_services`), on an event loop of this process's own, because the webhook
handler hands ingest to the loop that owns the model's batching.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from service.config import Settings
from service.context import Services

logger = logging.getLogger(__name__)


def lower_priority(nice: int) -> int:
    """Raise this process's nice value by `nice` before any thread starts (threads created
    afterwards, the model's included, inherit it); the new nice value.

    With Linux's autogroup scheduling, nice only ranks tasks of one session against each
    other, and sessions share the CPU equally. So a process that leads its own session (as
    under `setsid`) also gives its session's autogroup the same nice value; otherwise a
    warning says that the service may not come first.
    """
    if nice < 0:
        raise ValueError("--nice only lowers the priority (0 to 19)")
    value = os.nice(nice)
    autogroup = Path("/proc/self/autogroup")
    if nice and autogroup.exists() and _autogroup_enabled():
        if os.getsid(0) == os.getpid():
            try:
                autogroup.write_text(str(value))
            except OSError as exc:
                logger.warning("could not lower the session's CPU priority (%s)", exc)
        else:
            logger.warning("autogroup scheduling is on and this process shares its session: "
                           "start it with `setsid` (or give its systemd unit a lower "
                           "CPUWeight) so that the service comes first")
    return value


def idle_policy() -> bool:
    """Put this process (and the threads it starts from now on) under SCHED_IDLE: a task of
    any other process that wakes up takes the core at once, whatever its session or group.
    False where the platform has no such policy."""
    if not hasattr(os, "SCHED_IDLE"):
        return False
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except OSError as exc:
        logger.warning("could not switch to the idle CPU policy (%s)", exc)
        return False
    return True


def _autogroup_enabled() -> bool:
    try:
        return Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
    except OSError:
        return False


@contextmanager
def classifying_services(settings: Settings) -> Iterator[Services]:
    """The model, reply suggester and database of a service, on a loop in a daemon thread;
    the webhook job handler registered for workers created inside the block."""
    from service.integrations import delivery_jobs
    from service.jobs.registry import register
    from service.main import open_services
    from service.metrics import Metrics

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="toneguard-classify-loop",
                              daemon=True)
    thread.start()
    services: Services | None = None
    try:
        services = asyncio.run_coroutine_threadsafe(
            open_services(settings, Metrics(), None, None, create_database=False), loop
        ).result()
        register(delivery_jobs.KIND, delivery_jobs.make_handler(services, loop))
        yield services
    finally:
        if services is not None:
            services.db.dispose()
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
