"""Per-API-key rate limit: a token bucket, in process or shared through Redis.

A pure ASGI middleware, so a throttled caller costs one header lookup and a bucket
update: no body parsing, no database. The bucket is keyed by a hash of the `X-API-Key`
header value (valid or not), so guessing keys is throttled too and no key is kept in
memory or in Redis. With `TONEGUARD_REDIS_URL` set, every worker process (and replica)
draws from the same bucket; an unreachable Redis falls back to the local bucket rather
than turning an outage of an optional component into an outage of the service.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import threading
import time
from collections import OrderedDict
from typing import Any, Protocol

from starlette.types import ASGIApp, Receive, Scope, Send

logger = logging.getLogger(__name__)

KEY_HEADER = b"x-api-key"
# Buckets kept in memory at most (least recently used dropped): bounds memory under key spraying.
MAX_LOCAL_BUCKETS = 100_000


class Limiter(Protocol):
    async def acquire(self, key: str) -> float:
        """0 when a request may pass now, else the seconds until it may."""
        ...


class LocalTokenBucket:
    """Token buckets in this process: `rate` tokens per second, at most `burst` saved."""

    def __init__(self, per_minute: int, burst: int) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    async def acquire(self, key: str) -> float:
        return self.take(key)

    def take(self, key: str, now: float | None = None) -> float:
        """One token for `key` if there is one; else the wait until there is."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            wait = 0.0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / self.rate
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > MAX_LOCAL_BUCKETS:
                self._buckets.popitem(last=False)
            return wait


# KEYS[1] bucket; ARGV: rate per second, burst. Redis TIME keeps all workers on one clock.
_REDIS_BUCKET = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil then tokens = burst; ts = now end
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 1)
return tostring(wait)
"""


class RedisTokenBucket:
    """The same bucket in Redis (one atomic Lua script per request), shared by all workers."""

    def __init__(self, url: str, per_minute: int, burst: int, prefix: str = "toneguard:rl:"):
        import redis.asyncio as redis

        self.rate = per_minute / 60.0
        self.burst = burst
        self.prefix = prefix
        self._redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._script = self._redis.register_script(_REDIS_BUCKET)
        self._fallback = LocalTokenBucket(per_minute, burst)
        self._warned = False

    async def acquire(self, key: str) -> float:
        try:
            wait = float(await self._script(keys=[self.prefix + key], args=[self.rate, self.burst]))
        except Exception:  # redis.RedisError and socket errors: degrade, do not fail requests
            if not self._warned:
                logger.warning("rate limit: Redis unreachable, using per-process buckets",
                               exc_info=True)
                self._warned = True
            return self._fallback.take(key)
        if self._warned:
            logger.warning("rate limit: Redis reachable again, using the shared buckets")
            self._warned = False
        return wait


def make_limiter(settings: Any) -> Limiter | None:
    """The limiter the settings ask for; None when rate limiting is off."""
    per_minute = int(settings.rate_limit_per_minute)
    if per_minute <= 0:
        return None
    burst = int(settings.rate_limit_burst) or per_minute
    if settings.redis_url:
        return RedisTokenBucket(settings.redis_url, per_minute, burst)
    return LocalTokenBucket(per_minute, burst)


def _bucket_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:32]


class RateLimit:
    """429 with Retry-After once a key's bucket is empty; requests without a key pass through
    (they get their 401 from the route, or are public)."""

    def __init__(self, app: ASGIApp, limiter: Limiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        key = next((v for k, v in scope.get("headers", []) if k == KEY_HEADER), None)
        if key:
            wait = await self.limiter.acquire(_bucket_id(key))
            if wait > 0:
                await _send_429(send, wait)
                return
        await self.app(scope, receive, send)


async def _send_429(send: Send, wait: float) -> None:
    retry = max(1, math.ceil(wait))
    detail = f"too many requests for this API key; retry in {retry} s"
    body = json.dumps({"error": "rate_limited", "detail": detail}).encode()
    await send({"type": "http.response.start", "status": 429,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"retry-after", str(retry).encode())]})
    await send({"type": "http.response.body", "body": body})
