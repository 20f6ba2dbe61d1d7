"""Per-key rate limit (in process and shared through Redis) and the body size limit."""

from __future__ import annotations

import asyncio
import select
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.liveserver import LiveServer, create_keys, scratch_database
from service.ratelimit import LocalTokenBucket
from tests.reliability.conftest import App

REDIS_URL = "redis://127.0.0.1:6379/0"


def _hits(svc: App, n: int, key: str | None = None) -> list[Any]:
    return [svc.client.get("/v1/clients", headers=svc.h(key)) for _ in range(n)]


def test_token_bucket_refills_at_the_configured_rate() -> None:
    bucket = LocalTokenBucket(per_minute=60, burst=3)  # one token a second
    assert [bucket.take("k", now=100.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take("k", now=100.0) == pytest.approx(1.0)
    assert bucket.take("k", now=100.5) == pytest.approx(0.5)  # refused calls take nothing
    assert bucket.take("k", now=101.0) == 0.0
    assert bucket.take("other", now=101.0) == 0.0  # keys do not share a bucket
    assert [bucket.take("k", now=200.0) for _ in range(4)][-1] > 0  # refill stops at burst


def test_in_process_limit_answers_429_with_retry_after(make_app: Any) -> None:
    svc = make_app(rate_limit_per_minute=6, rate_limit_burst=3)
    responses = _hits(svc, 5)
    assert [r.status_code for r in responses] == [200, 200, 200, 429, 429]
    limited = responses[3]
    assert limited.json()["error"] == "rate_limited"
    assert 1 <= int(limited.headers["Retry-After"]) <= 10  # one token per 10 s
    assert [r.status_code for r in _hits(svc, 3, svc.key_b)] == [200, 200, 200]  # per key
    assert svc.client.get("/healthz").status_code == 200  # keyless probes are not limited
    assert svc.client.get("/v1/clients").status_code == 401


def test_no_limit_by_default(svc: App) -> None:
    assert {r.status_code for r in _hits(svc, 30)} == {200}


def test_redis_bucket_is_shared_by_two_apps(make_app: Any) -> None:
    """Two app instances (as two workers would be) draw from one bucket in Redis."""
    first = make_app(rate_limit_per_minute=6, rate_limit_burst=4, redis_url=REDIS_URL)
    second = make_app(rate_limit_per_minute=6, rate_limit_burst=4, redis_url=REDIS_URL)
    key = first.key_a  # same database: the key works on both
    codes = []
    for i in range(8):
        target = first if i % 2 == 0 else second
        codes.append(target.client.get("/v1/clients", headers={"X-API-Key": key}).status_code)
    assert codes == [200, 200, 200, 200, 429, 429, 429, 429]
    # Without Redis each process would have let 4 through on its own.
    local = [make_app(rate_limit_per_minute=6, rate_limit_burst=4) for _ in range(2)]
    codes = [local[i % 2].client.get("/v1/clients", headers={"X-API-Key": key}).status_code
             for i in range(8)]
    assert codes.count(200) == 8


def test_unreachable_redis_falls_back_to_local_buckets(make_app: Any) -> None:
    svc = make_app(rate_limit_per_minute=6, rate_limit_burst=2, redis_url="redis://127.0.0.1:1/0")
    assert [r.status_code for r in _hits(svc, 3)] == [200, 200, 429]


@pytest.fixture(scope="module")
def live(tiny_classifier_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Two real worker processes sharing the Redis limiter: burst 10, then 1 per minute."""
    folder = tmp_path_factory.mktemp("live-limits")
    with scratch_database("sqlite", folder) as db:
        [key] = create_keys(db, "acme")
        server = LiveServer(db, tiny_classifier_dir, workers=2, log_path=folder / "server.log",
                            extra_env={"TONEGUARD_RATE_LIMIT_PER_MINUTE": "1",
                                       "TONEGUARD_RATE_LIMIT_BURST": "10",
                                       "TONEGUARD_REDIS_URL": REDIS_URL})
        with server:
            yield server, key


def test_two_live_workers_share_one_redis_bucket(live: Any) -> None:
    server, key = live

    async def burst() -> list[int]:
        # New connection per request, so the kernel spreads them over both workers.
        async def one() -> int:
            async with httpx.AsyncClient(base_url=server.url, timeout=30) as c:
                r = await c.get("/v1/clients", headers={"X-API-Key": key})
                assert r.status_code in (200, 429)
                assert r.status_code == 200 or int(r.headers["Retry-After"]) >= 1
                return r.status_code
        return list(await asyncio.gather(*(one() for _ in range(30))))

    codes = asyncio.run(burst())
    assert codes.count(200) == 10 and codes.count(429) == 20


def _chunked_upload(url: str, path: str, total: int, chunk: int = 64 * 1024) -> tuple[int, int]:
    """Stream `total` bytes chunked (no Content-Length); stop once the server answers.

    Returns (bytes sent, HTTP status). Waits a little after each chunk, so the server has
    the chance to answer as soon as it has read past its limit.
    """
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    sock.sendall(f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n".encode())
    sent, payload = 0, b'{"messages": [{"text": "' + b"a" * (chunk - 25)
    try:
        while sent < total:
            ready, _, _ = select.select([sock], [], [], 0.02)
            if ready:
                break
            sock.sendall(f"{len(payload):x}\r\n".encode() + payload + b"\r\n")
            sent += len(payload)
        head = sock.recv(4096).decode("latin-1")
    except (BrokenPipeError, ConnectionResetError):
        head = sock.recv(4096).decode("latin-1")
    finally:
        sock.close()
    return sent, int(head.split(" ", 2)[1])


def test_chunked_5mb_upload_is_refused_early_by_a_live_server(live: Any) -> None:
    server, _ = live
    total = 5 * 1024 * 1024
    sent, status = _chunked_upload(server.url, "/v1/classify", total)
    assert status == 413
    assert sent < 3 * 1024 * 1024, f"the server read {sent} bytes before answering"


def test_body_limit_stops_reading_at_the_limit(svc: App) -> None:
    """At the ASGI level: the app pulls only a little past 1 MB of a 5 MB chunked body."""
    chunk = b"x" * 65_536
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": pulled < 5 * 1024 * 1024}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": "/v1/classify", "raw_path": b"",
             "root_path": "", "query_string": b"", "server": ("testserver", 80),
             "client": ("127.0.0.1", 1), "headers": [(b"content-type", b"application/json"),
                                                     (b"transfer-encoding", b"chunked"),
                                                     (b"x-api-key", svc.key_a.encode())]}
    asyncio.run(svc.app(scope, receive, send))
    assert sent[0]["status"] == 413
    assert pulled <= 1_000_000 + len(chunk)
