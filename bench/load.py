"""Load generation against a live service: messages that trip every label, concurrent senders.

Each request's outcome is kept (status, labels, created flag), so the callers can check
afterwards that what the service acknowledged is exactly what it stored and counted.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

# Written for these tests: calm, rude, threatening, demanding, in the first-class languages.
TEXTS = (
    "Hello, could you tell me when my order {n} will arrive? Thank you.",
    "This is the third time I write about ticket {n}. You are useless idiots, fix it!",
    "If order {n} is not refunded by Friday, my lawyer will file a claim against you.",
    "I demand a full refund for {n}, a free upgrade and a personal apology from your CEO today.",
    "It is past midnight and I still have no answer about {n}. Reply to me right now!",
    "Здравствуйте, подскажите, пожалуйста, когда придёт заказ {n}?",
    "Вы там совсем обнаглели? Заказ {n} опять сорван, бездельники!",
    "Если по заказу {n} не будет возврата до пятницы, я подаю в суд.",
)


def message_body(n: int, client_id: str, prefix: str = "m") -> dict[str, Any]:
    """A distinct message; one in four is sent at night, to exercise off_hours_pressure."""
    base = datetime(2026, 3, 2, 10, 0, tzinfo=UTC) + timedelta(days=n % 20)
    sent_at = base.replace(hour=2) if n % 4 == 3 else base.replace(hour=10 + n % 7)
    return {
        "message_id": f"{prefix}-{n:06d}",
        "client_id": client_id,
        "text": TEXTS[n % len(TEXTS)].format(n=n),
        "sent_at": sent_at.isoformat(),
        "channel": "email",
        "replies": 0,
    }


@dataclass
class Outcome:
    message_id: str
    status: int  # 0: no response (connection refused, reset, timeout)
    created: bool | None = None
    labels: list[str] | None = None
    seconds: float = 0.0
    error: str | None = None


@dataclass
class LoadResult:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def acked(self) -> dict[str, list[str]]:
        """message_id -> labels, for every message some request got a 2xx for."""
        out: dict[str, list[str]] = {}
        for o in self.outcomes:
            if 200 <= o.status < 300 and o.labels is not None:
                out[o.message_id] = sorted(o.labels)
        return out

    def statuses(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for o in self.outcomes:
            counts[o.status] = counts.get(o.status, 0) + 1
        return dict(sorted(counts.items()))


async def _post(client: httpx.AsyncClient, body: dict[str, Any]) -> Outcome:
    start = time.perf_counter()
    try:
        r = await client.post("/v1/messages", json=body)
    except httpx.HTTPError as exc:
        return Outcome(body["message_id"], 0, seconds=time.perf_counter() - start,
                       error=type(exc).__name__)
    out = Outcome(body["message_id"], r.status_code, seconds=time.perf_counter() - start)
    if r.status_code == 200:
        data = r.json()
        out.created = bool(data["created"])
        out.labels = list(data["message"]["labels"])
    else:
        out.error = r.text[:200]
    return out


async def send_all(
    base_url: str, key: str, bodies: Sequence[dict[str, Any]], concurrency: int,
    timeout: float = 120.0, stop: Callable[[], bool] | None = None,
    result: LoadResult | None = None,
) -> LoadResult:
    """POST every body to /v1/messages from `concurrency` senders sharing one queue.

    Pass `result` to watch the outcomes arrive from another thread (the crash test does).
    """
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for b in bodies:
        queue.put_nowait(b)
    result = LoadResult() if result is None else result
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def sender(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            if stop is not None and stop():
                return
            body = queue.get_nowait()
            result.outcomes.append(await _post(client, body))

    start = time.perf_counter()
    async with httpx.AsyncClient(base_url=base_url, headers={"X-API-Key": key},
                                 timeout=timeout, limits=limits) as client:
        await asyncio.gather(*(sender(client) for _ in range(concurrency)))
    result.seconds = time.perf_counter() - start
    return result


def with_duplicates(bodies: list[dict[str, Any]], every: int = 10) -> list[dict[str, Any]]:
    """Every `every`-th message twice, back to back, so two senders race on the same id."""
    out: list[dict[str, Any]] = []
    for i, b in enumerate(bodies):
        out.append(b)
        if i % every == every - 1:
            out.append(dict(b))
    return out
