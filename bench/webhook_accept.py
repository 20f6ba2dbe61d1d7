"""Webhook accept latency while the job workers are busy classifying.

    python -m bench.webhook_accept [--db postgres] [--backlog 300] [--deliveries 1000]
        [--workers 2 --classify-process --nice 10]

Starts `toneguard serve` (the shipped model when present) on a fresh database, queues
`--backlog` Zammad deliveries so the job workers have work, then times each answer (202 +
job id) of `--deliveries` more in two patterns: bursts of `--concurrency` (32) deliveries
sent together every `--burst-every` seconds on a fixed schedule (open loop: a helpdesk's
burst, timed from its scheduled start), then a flood of `--deliveries` from 32 senders back
to back (closed loop: the most the service takes, where p50 is about 32 / rate). Prints
p50/p95/p99/max of each (and, for scale, of GET /healthz with the same senders before the
load), the CPU, and how long the workers took to classify everything; writes
bench/results/webhook_accept-<db>.json. With `--classify-process` the service runs no job
threads and a separate `toneguard jobs work --classify --nice N` process (`--job-workers`
threads) classifies the deliveries at a lower CPU priority. Issue 18's floor: p99 under
50 ms with 32 concurrent deliveries. Exit 1 when a delivery was not accepted.
"""

from __future__ import annotations

import asyncio
import copy
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from bench.common import REPO_ROOT, machine, percentile, write_result
from bench.liveserver import (
    LiveServer,
    create_keys,
    default_model_dir,
    scratch_database,
    stop_group,
)
from bench.load import TEXTS
from bench.rawhttp import Connection
from service.integrations.signatures import sign

PAYLOAD = REPO_ROOT / "tests" / "service" / "payloads" / "zammad_customer_article.json"
SECRET = "bench-webhook-secret"
FLOOR_P99_MS = 50.0

app = typer.Typer(add_completion=False)


def delivery(n: int, template: dict[str, Any]) -> bytes:
    """A distinct customer article (its own id, text and customer)."""
    body = copy.deepcopy(template)
    body["article"]["id"] = 1_000_000 + n
    body["article"]["body"] = TEXTS[n % len(TEXTS)].format(n=n)
    body["article"]["content_type"] = "text/plain"
    body["ticket"]["customer_id"] = 5000 + n % 200
    return json.dumps(body).encode()


def _request(method: str, url: str, path: str, headers: dict[str, str],
             body: bytes = b"") -> bytes:
    """The whole HTTP/1.1 request as bytes, built before the clock starts."""
    host = url.split("//", 1)[1]
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}",
             "Connection: keep-alive", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def send_all(url: str, requests: list[bytes], concurrency: int) -> list[tuple[int, float]]:
    """(status, seconds) per request, `concurrency` kept-alive connections at a time (the
    lean client of bench.rawhttp: httpx would take CPU from the server it measures)."""
    left = list(reversed(requests))
    out: list[tuple[int, float]] = []

    async def sender() -> None:
        conn = Connection(url)
        try:
            while left:
                request = left.pop()
                start = time.perf_counter()
                try:
                    status = (await conn.send(request)).status
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    status = 0
                    await conn.close()
                out.append((status, time.perf_counter() - start))
        finally:
            await conn.close()

    await asyncio.gather(*(sender() for _ in range(concurrency)))
    return out


async def send_bursts(url: str, requests: list[bytes], concurrency: int,
                      every: float) -> list[tuple[int, float, int]]:
    """(status, seconds, burst) per request, sent as bursts of `concurrency` simultaneous
    deliveries, one burst every `every` seconds on a fixed schedule (open loop), over
    connections opened before the first burst. Each time runs from the burst's scheduled
    start, so a burst that waits on a slow earlier one counts that wait."""
    out: list[tuple[int, float, int]] = []
    conns = [Connection(url) for _ in range(concurrency)]
    await asyncio.gather(*(c.connect() for c in conns))
    t0 = time.perf_counter() + 0.05

    async def sender(lane: int) -> None:
        conn = conns[lane]
        for i, request in enumerate(requests[lane::concurrency]):
            scheduled = t0 + i * every
            await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
            try:
                status = (await conn.send(request)).status
            except (OSError, asyncio.IncompleteReadError, ValueError):
                status = 0
                await conn.close()
            out.append((status, time.perf_counter() - scheduled, i))

    try:
        await asyncio.gather(*(sender(lane) for lane in range(concurrency)))
    finally:
        await asyncio.gather(*(c.close() for c in conns))
    return out


def deliveries_as_requests(url: str, bodies: list[bytes]) -> list[bytes]:
    return [_request("POST", url, "/v1/webhooks/zammad?tenant=bench",
                     {"Content-Type": "application/json",
                      "X-Hub-Signature": sign(SECRET, raw, "sha1")}, raw) for raw in bodies]


@contextmanager
def classify_process(server: LiveServer, threads: int, nice: int, idle: bool,
                     log: Path) -> Iterator[None]:
    """`toneguard jobs work --classify` beside the server, with the server's environment."""
    env = server._env() | {"TONEGUARD_JOBS_WORKERS": "0"}
    cmd = [sys.executable, "-c", "from service.cli import app; app(prog_name='toneguard')",
           "jobs", "work", "--classify", "--threads", str(threads), "--nice", str(nice),
           *(["--idle"] if idle else [])]
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=out, stderr=out,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while "classifying job worker started" not in log.read_text("utf-8", "replace"):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the classifying worker did not start:\n"
                                   + log.read_text("utf-8", "replace")[-3000:])
            time.sleep(0.25)
        yield
    finally:
        stop_group(proc, grace=60)


def stored(url: str, key: str) -> int:
    """How many messages the workers have classified and stored so far."""
    with httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=30) as c:
        return int(c.get("/v1/messages", params={"limit": 1}).json()["total"])


def wait_drained(url: str, key: str, expected: int, timeout: float) -> float | None:
    """Seconds until `expected` messages are stored (None: not within `timeout`)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if stored(url, key) >= expected:
            return time.monotonic() - start
        time.sleep(1.0)
    return None


def _summary(ms: list[float]) -> dict[str, float]:
    return {"p50": round(percentile(ms, 50), 1), "p95": round(percentile(ms, 95), 1),
            "p99": round(percentile(ms, 99), 1), "max": round(max(ms), 1)}


def _line(f: dict[str, float]) -> str:
    return f"p50 {f['p50']} ms, p95 {f['p95']} ms, p99 {f['p99']} ms, max {f['max']} ms"


@app.command()
def main(
    db: Annotated[str, typer.Option(help="sqlite or postgres")] = "postgres",
    workers: Annotated[int, typer.Option(help="service worker processes")] = 1,
    job_workers: Annotated[int, typer.Option(help="job threads per process")] = 4,
    backlog: Annotated[int, typer.Option(help="deliveries queued before timing")] = 300,
    deliveries: Annotated[int, typer.Option(help="deliveries timed")] = 1000,
    concurrency: Annotated[int, typer.Option(help="concurrent senders")] = 32,
    model_dir: Annotated[Path | None, typer.Option(help="default: the shipped model")] = None,
    drain_timeout: Annotated[float, typer.Option(help="seconds to wait for the workers")] = 600,
    classify_process_: Annotated[bool, typer.Option(
        "--classify-process", help="classify in a separate `toneguard jobs work --classify` "
        "process, not in the service's job threads")] = False,
    nice: Annotated[int, typer.Option(help="that process's nice increment")] = 10,
    idle: Annotated[bool, typer.Option(help="that process under SCHED_IDLE")] = False,
    burst_every: Annotated[float, typer.Option(
        help="seconds between bursts of --concurrency simultaneous deliveries")] = 0.25,
) -> None:
    """Time webhook accepts under 32 concurrent deliveries while the workers classify."""
    model = model_dir or default_model_dir()
    template = json.loads(PAYLOAD.read_bytes())
    bodies = [delivery(n, template) for n in range(backlog + 2 * deliveries)]
    facts = machine()
    typer.echo(f"CPU: {facts['cpu']}, {facts['cores']} cores, load {facts['load_average']}")
    in_service = 0 if classify_process_ else job_workers
    env = {"TONEGUARD_WEBHOOK_SECRETS": json.dumps({"bench": {"zammad": SECRET}}),
           "TONEGUARD_JOBS_WORKERS": str(in_service), "TONEGUARD_JOBS_POLL_SECONDS": "0.2"}
    with tempfile.TemporaryDirectory(prefix="tg-webhook-") as tmp, \
            scratch_database(db, Path(tmp)) as spec:
        [key] = create_keys(spec, "bench")
        with LiveServer(spec, model, workers=workers, log_path=Path(tmp) / "server.log",
                        extra_env=env) as server, \
                (classify_process(server, job_workers, nice, idle, Path(tmp) / "jobs.log")
                 if classify_process_ else nullcontext()):
            health = [_request("GET", server.url, "/healthz", {})] * deliveries
            healthz = [t * 1000 for _, t in asyncio.run(send_all(server.url, health,
                                                                 concurrency))]
            requests = deliveries_as_requests(server.url, bodies)
            queued = asyncio.run(send_all(server.url, requests[:backlog], concurrency))
            time.sleep(2.0)  # the workers are classifying the backlog now
            before = stored(server.url, key)
            timing_started = time.monotonic()
            bursts = asyncio.run(send_bursts(server.url, requests[backlog:backlog + deliveries],
                                             concurrency, burst_every))
            start = time.monotonic()
            timed = asyncio.run(send_all(server.url, requests[backlog + deliveries:],
                                         concurrency))
            seconds = time.monotonic() - start
            during = stored(server.url, key) - before
            timing_seconds = time.monotonic() - timing_started
            drained = wait_drained(server.url, key, len(bodies), drain_timeout)
    statuses: dict[int, int] = {}
    for status, *_ in queued + bursts + timed:
        statuses[status] = statuses.get(status, 0) + 1
    accept = _summary([s * 1000 for _, s in timed])
    burst = _summary([s * 1000 for _, s, _ in bursts])
    slowest: dict[int, float] = {}
    for _, s, i in bursts:
        slowest[i] = max(slowest.get(i, 0.0), round(s * 1000, 1))
    result: dict[str, Any] = {
        "machine": facts, "db": db, "workers": workers, "job_workers": job_workers,
        "model_dir": str(model), "classify_process": classify_process_,
        "nice": nice if classify_process_ else None, "idle": idle and classify_process_,
        "backlog": backlog, "deliveries": deliveries,
        "concurrency": concurrency, "statuses": statuses,
        "accept_ms": accept, "burst_every_s": burst_every, "burst_accept_ms": burst,
        "burst_rate_per_s": round(concurrency / burst_every, 1),
        "slowest_bursts_ms": sorted(slowest.items(), key=lambda kv: -kv[1])[:5],
        "healthz_ms_idle": {"p50": round(percentile(healthz, 50), 1),
                            "p99": round(percentile(healthz, 99), 1)},
        "accepts_per_s": round(deliveries / seconds, 1),
        "classified_while_timing": during, "timing_seconds": round(timing_seconds, 1),
        "classified_all_after_s": None if drained is None else round(drained, 1),
        "floor_p99_ms": FLOOR_P99_MS,
    }
    path = write_result(f"webhook_accept-{db}", result)
    where = (f"a separate process at nice +{nice}{' under SCHED_IDLE' if idle else ''}"
             if classify_process_
             else "the service's job threads")
    typer.echo(f"{deliveries} deliveries, {concurrency} concurrent, while {backlog} queued ones "
               f"were being classified ({db}, {workers} worker(s), {job_workers} job threads "
               f"in {where})")
    typer.echo(f"bursts of {concurrency} together every {burst_every} s "
               f"({result['burst_rate_per_s']} deliveries/s): {_line(burst)}; slowest "
               f"bursts (index, ms): {result['slowest_bursts_ms'][:3]}")
    typer.echo(f"flood ({concurrency} senders back to back, the most the service takes): "
               f"{_line(accept)} ({result['accepts_per_s']} accepts/s)")
    typer.echo(f"answers {statuses}")
    typer.echo(f"the workers classified {during} messages during the {timing_seconds:.1f} s "
               "of timing (they were busy, not stopped)")
    typer.echo(f"for scale, GET /healthz before the load: p50 "
               f"{result['healthz_ms_idle']['p50']} ms, p99 {result['healthz_ms_idle']['p99']} "
               f"ms (same {concurrency} senders)")
    for name, figures in (("bursts", burst), ("flood", accept)):
        verdict = "met" if figures["p99"] < FLOOR_P99_MS else "MISSED"
        typer.echo(f"floor p99 < {FLOOR_P99_MS:.0f} ms, {name}: {verdict}")
    typer.echo("all classified after " + (f"{drained:.0f} s" if drained is not None
                                          else f"more than {drain_timeout:.0f} s"))
    typer.echo(f"(result in {path})")
    if statuses.get(202, 0) != len(bodies):
        raise typer.Exit(1)


if __name__ == "__main__":
    sys.exit(app())
