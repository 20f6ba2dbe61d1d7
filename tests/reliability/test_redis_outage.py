"""The shared rate limit through a Redis that goes away and comes back: per-process buckets
while it is gone, the shared ones again after, and the log says both. Runs its own
redis-server on a free port, so the machine's Redis is left alone."""

from __future__ import annotations

import asyncio
import logging
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from service.ratelimit import RedisTokenBucket


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivateRedis:
    def __init__(self, port: int) -> None:
        self.port = port
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=10)
            self.proc = None


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    if not shutil.which("redis-server"):
        pytest.skip("no redis-server")
    server = PrivateRedis(_free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_redis_outage_falls_back_then_recovers_and_logs_both(
    private_redis: PrivateRedis, caplog: pytest.LogCaptureFixture
) -> None:
    bucket = RedisTokenBucket(f"redis://127.0.0.1:{private_redis.port}/0", per_minute=60,
                              burst=3)

    async def take(n: int) -> list[bool]:
        return [await bucket.acquire("k") > 0 for _ in range(n)]

    async def scenario() -> None:  # one event loop, as in a service worker
        assert await take(4) == [False, False, False, True]
        private_redis.stop()
        # Per-process bucket: a fresh burst of 3, then limited again, as documented.
        assert await take(4) == [False, False, False, True]
        assert [r.message for r in caplog.records] == [
            "rate limit: Redis unreachable, using per-process buckets"]
        private_redis.start()
        # A fresh Redis (nothing persisted) has a full bucket; the per-process one is empty.
        assert await take(1) == [False]
        assert caplog.records[-1].message == \
            "rate limit: Redis reachable again, using the shared buckets"

    with caplog.at_level(logging.WARNING, logger="service.ratelimit"):
        asyncio.run(scenario())
