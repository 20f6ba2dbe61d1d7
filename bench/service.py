"""The service end to end: throughput, latency percentiles, errors and peak memory.

    python -m bench.service [--model DIR] [--requests 400] [--clients 1 8 32]
                            [--endpoints classify messages] [--replies semantic|rules|off]

Starts the real `toneguard serve` (one uvicorn worker, as shipped) on a loopback port
with a fresh SQLite database in a temp dir, then for each endpoint and each number of
concurrent clients sends a fixed number of single-message requests (test-split texts)
from httpx async clients. Reports requests/s, p50/p95/p99 latency, errors, the average
model batch size (from /metrics) and the server's resident memory (idle after start-up
and peak under load, sampled every 20 ms). Writes bench/results/service.json.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

import httpx
import typer

from bench.common import (
    SHIPPED_MODEL,
    machine,
    percentile,
    rss_bytes,
    table,
    test_messages,
    write_result,
)
from bench.rawhttp import Connection, encode_post
from classifier.scripts import comma_list, run_command

logger = logging.getLogger(__name__)
WARMUP = 16


@contextmanager
def peak_rss(pids: list[int], every: float = 0.02) -> Iterator[dict[str, int]]:
    """Sample the summed RSS of `pids` in a thread; yields a dict whose "peak" grows."""
    box = {"peak": rss_bytes(pids)}
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(every):
            box["peak"] = max(box["peak"], rss_bytes(pids))

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    try:
        yield box
    finally:
        stop.set()
        t.join()


def classify_body(row: dict[str, Any], n: int) -> dict[str, Any]:
    msg: dict[str, Any] = {"text": row["text"]}
    if row.get("sent_at"):
        msg["sent_at"] = row["sent_at"]
    return {"messages": [msg]}


def message_body(row: dict[str, Any], n: int, run_id: str) -> dict[str, Any]:
    body: dict[str, Any] = {"message_id": f"{run_id}-{n:06d}", "client_id": f"client-{n % 50}",
                            "text": row["text"], "channel": row.get("channel") or "email"}
    body["sent_at"] = row.get("sent_at") or "2026-03-03T10:00:00+00:00"
    return body


async def _load(url: str, key: str, path: str, bodies: list[dict[str, Any]],
                clients: int) -> tuple[list[float], list[str], float]:
    """Send every body from `clients` concurrent senders; latencies (s), errors, wall time.

    Requests are encoded before the clock starts and sent over kept-alive connections by
    the lean client (bench/rawhttp.py), so the generator takes little CPU from the server.
    """
    host = url.split("//", 1)[-1]
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for b in bodies:
        queue.put_nowait(encode_post(host, path, b, {"X-API-Key": key}))
    latencies: list[float] = []
    errors: list[str] = []

    async def sender() -> None:
        conn = Connection(url)
        try:
            while not queue.empty():
                request = queue.get_nowait()
                start = time.perf_counter()
                try:
                    r = await conn.send(request)
                    if r.status != 200:
                        errors.append(f"{r.status} {r.body[:120]!r}")
                except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                    errors.append(type(exc).__name__)
                    await conn.close()
                latencies.append(time.perf_counter() - start)
        finally:
            await conn.close()

    start = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(clients)))
    return latencies, errors, time.perf_counter() - start


def _model_counters(url: str) -> tuple[float, float]:
    """(forward batches run, messages through the model) from the Prometheus endpoint."""
    text = httpx.get(f"{url}/metrics", timeout=10).text
    batches = re.search(r"^toneguard_model_inference_seconds_count (\S+)$", text, re.M)
    msgs = re.search(r"^toneguard_model_messages_total (\S+)$", text, re.M)
    return (float(batches.group(1)) if batches else 0.0, float(msgs.group(1)) if msgs else 0.0)


def run(model_dir: Path, requests: int, clients: list[int], endpoints: list[str],
        replies: str, work_dir: Path, torch_threads: int | None = None,
        backend: str = "auto") -> dict[str, Any]:
    from bench.liveserver import LiveServer, create_keys, scratch_database
    from classifier.onnx_backend import available_cores

    info = machine()
    rows = test_messages(512)
    cells = []
    with scratch_database("sqlite", work_dir) as db:
        [key] = create_keys(db, "bench")
        env = {"TONEGUARD_REPLIES_MODE": replies, "TONEGUARD_BACKEND": backend,
               "OMP_NUM_THREADS": str(torch_threads or available_cores())}
        server = LiveServer(db, model_dir, log_path=work_dir / "server.log", extra_env=env)
        started = time.perf_counter()
        with server:
            startup_s = time.perf_counter() - started
            pids = server.pids()
            idle_rss = rss_bytes(pids)
            used = re.findall(r"using (\S+) backend", server.log_tail(20000))
            with peak_rss(pids) as rss:
                n = 0
                for endpoint in endpoints:
                    path = f"/v1/{endpoint}"
                    for c in clients:
                        bodies = []
                        for _ in range(requests + WARMUP):
                            row = rows[n % len(rows)]
                            bodies.append(classify_body(row, n) if endpoint == "classify"
                                          else message_body(row, n, f"c{c}"))
                            n += 1
                        asyncio.run(_load(server.url, key, path, bodies[:WARMUP], min(c, 4)))
                        b0, m0 = _model_counters(server.url)
                        lat, errs, wall = asyncio.run(_load(server.url, key, path,
                                                            bodies[WARMUP:], c))
                        b1, m1 = _model_counters(server.url)
                        cells.append({
                            "endpoint": f"POST {path}", "clients": c, "requests": len(lat),
                            "errors": len(errs), "error_examples": sorted(set(errs))[:3],
                            "seconds": round(wall, 3), "req_per_s": round(len(lat) / wall, 1),
                            "p50_ms": round(percentile(lat, 50) * 1e3, 1),
                            "p95_ms": round(percentile(lat, 95) * 1e3, 1),
                            "p99_ms": round(percentile(lat, 99) * 1e3, 1),
                            "mean_model_batch": round((m1 - m0) / (b1 - b0), 1) if b1 > b0
                            else None,
                        })
                        logger.info("%s", cells[-1])
            peak = rss["peak"]
    return {
        "bench": "service",
        "machine": {**info, "load_average_end": list(os.getloadavg())},
        "model_dir": str(model_dir),
        "backend": used[-1] if used else "torch",
        "replies_mode": replies,
        "torch_threads": torch_threads or available_cores(),
        "startup_s": round(startup_s, 1),
        "rss_idle_mb": round(idle_rss / 2**20),
        "rss_peak_mb": round(peak / 2**20),
        "cells": cells,
    }


def cli(
    model: Annotated[Path, typer.Option()] = SHIPPED_MODEL,
    requests: Annotated[int, typer.Option(help="per endpoint and client count")] = 400,
    clients: Annotated[str, typer.Option(help="client counts, e.g. 1,8,32")] = "1,8,32",
    endpoints: Annotated[str, typer.Option(
        help="classify and/or messages, e.g. classify,messages")] = "classify,messages",
    replies: Annotated[Literal["semantic", "rules", "off"], typer.Option(
        help="reply suggestions mode of the server (semantic loads an encoder)")] = "semantic",
    torch_threads: Annotated[int | None, typer.Option(
        help="OMP_NUM_THREADS of the server (default: all cores, as shipped)")] = None,
    backend: Annotated[Literal["auto", "onnx", "torch", "torch-bf16"], typer.Option(
        help="TONEGUARD_BACKEND of the server (auto: int8 ONNX when exported)")] = "auto",
) -> int:
    counts = [int(c) for c in comma_list(clients)]
    paths = comma_list(endpoints)
    if not counts or not paths or set(paths) - {"classify", "messages"}:
        raise typer.BadParameter("give client counts and the endpoints classify and/or messages")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with tempfile.TemporaryDirectory(prefix="toneguard-bench-") as tmp:
        result = run(model, requests, counts, paths, replies, Path(tmp), torch_threads,
                     backend)
    m = result["machine"]
    print(f"service on {m['cores']} cores ({m['cpu']}), backend {result['backend']}, replies "
          f"{result['replies_mode']}, torch threads {result['torch_threads']}, "
          f"load average {m['load_average'][0]:.2f} before, "
          f"{m['load_average_end'][0]:.2f} after")
    print(table(["endpoint", "clients", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms",
                 "errors", "model batch"],
                [[c["endpoint"], c["clients"], c["requests"], c["req_per_s"], c["p50_ms"],
                  c["p95_ms"], c["p99_ms"], c["errors"], c["mean_model_batch"]]
                 for c in result["cells"]]))
    print(f"server RSS: {result['rss_idle_mb']} MB after start-up, {result['rss_peak_mb']} MB peak")
    print(f"written to {write_result('service', result)}")
    return 0


if __name__ == "__main__":
    sys.exit(run_command(cli, None, "python -m bench.service", __doc__))
