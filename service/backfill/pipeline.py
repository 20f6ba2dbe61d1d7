"""Run a backfill: read the inputs, score them on a pool of model actors, store the results.

Embedded by default: a local Ray is started in this process, sized to the machine (all
its cores; one actor per `threads` cores). With `address` it joins a running Ray cluster
instead, and the actors spread over its machines; the driver (this process) reads the
inputs and writes to the database, which every machine must reach (PostgreSQL).
Memory stays flat: rows stream through in small blocks and Ray Data holds back reading
while the actors are busy.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from service.backfill.parquet import ParquetSink
from service.backfill.readers import count_unit, plan
from service.backfill.rows import Limits
from service.backfill.writer import BadRow, Counts, Writer
from service.config import Settings
from service.context import TenantContext
from service.db.session import Database

DEFAULT_BATCH = 256  # rows per model call: large enough to sort by length usefully
OBJECT_STORE_BYTES = 512 * 2**20  # embedded Ray: blocks in flight are small


@dataclass
class Options:
    inputs: list[Path]
    fmt: str = "auto"
    parquet: Path | None = None
    address: str | None = None  # a Ray cluster to join; None: an embedded one
    actors: int | None = None  # default: cores // threads
    threads: int = 1  # cores per actor (ONNX Runtime or torch threads)
    batch_size: int = DEFAULT_BATCH


@dataclass
class Summary:
    counts: Counts
    expected: int
    elapsed_s: float
    actors: int
    threads: int

    @property
    def msg_per_s(self) -> float:
        return self.counts.scored / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        c = self.counts
        return {"read": c.read, "scored": c.scored, "already_present": c.present,
                "bad": c.bad, "ignored": c.ignored, "elapsed_s": round(self.elapsed_s, 2),
                "msg_per_s": round(self.msg_per_s, 2), "actors": self.actors,
                "threads_per_actor": self.threads}


class Progress(Protocol):
    """What the caller shows: called with the rows just written and their bad rows."""

    def start(self, total: int) -> None: ...
    def advance(self, rows: int, bad: list[BadRow]) -> None: ...
    def close(self) -> None: ...


class Quiet:
    """No progress shown (the bad rows are still counted in the summary)."""

    def start(self, total: int) -> None:
        pass

    def advance(self, rows: int, bad: list[BadRow]) -> None:
        pass

    def close(self) -> None:
        pass


RAY_TOKEN_FILE = "~/.ray/auth_token"  # where `ray start` writes a cluster's token


class ClusterUnreachable(RuntimeError):
    """`--address` named a Ray cluster this process could not join."""


def _token_auth_when_available() -> None:
    """Join with token authentication when a token is at hand (RAY_AUTH_TOKEN,
    RAY_AUTH_TOKEN_PATH or ~/.ray/auth_token). `ray start --head` turns it on by default
    (Ray 2.5x) while a driver given an explicit address stays without it and is turned
    away; a driver in token mode joins clusters with and without it. An explicit
    RAY_AUTH_MODE is left as it is. Ray's own helper also refreshes its cached config."""
    if "RAY_AUTH_MODE" in os.environ:
        return
    try:
        from ray._private.authentication.authentication_token_setup import (
            maybe_enable_token_auth_if_token_available,
        )
    except ImportError:  # a Ray without token authentication
        return
    maybe_enable_token_auth_if_token_available(warn_if_disabled=False)


def _start_ray(address: str | None) -> bool:
    """Start or join Ray; True when this call started it (and should stop it)."""
    import ray

    if ray.is_initialized():
        return False
    common: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.ERROR}
    # Ray Data's actor pool makes the core worker log a C++ notice about constructor
    # arguments on every run; only fatal ones reach the terminal (RAY_BACKEND_LOG_LEVEL).
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
    if address:
        _token_auth_when_available()
        try:
            ray.init(address=address, **common)
        except ConnectionError as exc:
            raise ClusterUnreachable(
                f"could not join the Ray cluster at {address}: {exc}. A cluster started by "
                "`ray start` uses token authentication: copy the head node's token "
                f"({RAY_TOKEN_FILE} there) to this machine, or set RAY_AUTH_TOKEN") from exc
    else:
        ray.init(address="local", num_cpus=os.cpu_count() or 1, include_dashboard=False,
                 object_store_memory=OBJECT_STORE_BYTES, **common)
    return True


def _quiet_ray_data() -> None:
    from ray.data import DataContext

    ctx = DataContext.get_current()
    ctx.enable_progress_bars = False  # ours is the one on stderr
    ctx.print_on_execution_start = False
    ctx.enable_auto_log_stats = False
    logging.getLogger("ray.data").setLevel(logging.ERROR)


def pool_size(options: Options) -> int:
    import ray

    if options.actors:
        return options.actors
    cores = int(ray.cluster_resources().get("CPU", 1))
    return max(1, cores // max(1, options.threads))


def run(settings: Settings, db: Database, tenant: TenantContext, options: Options,
        progress: Progress | None = None,
        clock: Callable[[], float] = time.perf_counter) -> Summary:
    """Backfill `options.inputs` for `tenant`; InputError (before any work) for bad inputs."""
    from classifier.hours import effective_hours

    units = plan(options.inputs, options.fmt)
    expected = sum(count_unit(u) for u in units)
    progress = progress or Quiet()
    started = clock()
    owns_ray = _start_ray(options.address)
    sink = ParquetSink(options.parquet) if options.parquet else None
    writer = Writer(db, tenant.id, settings.risk_half_life_days, sink)
    try:
        import ray.data

        from service.backfill.scorer import Scorer
        from service.backfill.source import BackfillSource

        _quiet_ray_data()
        actors = pool_size(options)
        limits = Limits(settings.max_text_chars, settings.webhook_max_stored_chars)
        scored = ray.data.read_datasource(BackfillSource(units, limits), num_cpus=0).map_batches(
            Scorer, compute=ray.data.ActorPoolStrategy(size=actors), num_cpus=options.threads,
            batch_size=options.batch_size, batch_format="pyarrow",
            fn_constructor_kwargs={
                "model_dir": str(settings.model_dir), "backend": settings.backend,
                "threads": options.threads, "default_language": settings.default_language,
                "hours": effective_hours(settings.business_hours, tenant.business_hours),
                "sensitivity": tenant.sensitivity, "database_url": settings.database_url,
                "database_schema": settings.database_schema, "tenant_id": tenant.id,
            },
        )
        progress.start(expected)
        for batch in scored.iter_batches(batch_format="pyarrow", batch_size=None,
                                         prefetch_batches=1):
            rows = batch.to_pylist()
            progress.advance(len(rows), writer.write(rows))
        if sink is not None:
            sink.close()
            sink = None
    finally:
        progress.close()
        if sink is not None:
            sink.abort()
        if owns_ray:
            import ray

            ray.shutdown()
    return Summary(writer.counts, expected, clock() - started, actors, options.threads)
