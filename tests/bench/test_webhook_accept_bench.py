"""bench.webhook_accept builds distinct, valid, signed Zammad deliveries."""

from __future__ import annotations

import json

from bench.webhook_accept import PAYLOAD, SECRET, _request, deliveries_as_requests, delivery
from service.integrations import zammad
from service.integrations.common import Ignored


def test_deliveries_are_distinct_customer_articles_with_valid_signatures() -> None:
    template = json.loads(PAYLOAD.read_bytes())
    bodies = [delivery(n, template) for n in range(20)]
    parsed = [zammad.parse(b) for b in bodies]
    assert not any(isinstance(p, Ignored) for p in parsed)
    assert len({p.message_id for p in parsed if not isinstance(p, Ignored)}) == 20
    [request] = deliveries_as_requests("http://127.0.0.1:8000", bodies[:1])
    head, _, body = request.partition(b"\r\n\r\n")
    assert body == bodies[0] and head.startswith(b"POST /v1/webhooks/zammad?tenant=bench ")
    signature = next(line.split(b": ", 1)[1] for line in head.split(b"\r\n")
                     if line.startswith(b"X-Hub-Signature"))
    zammad.verify(body, signature.decode(), [SECRET])
    assert f"Content-Length: {len(body)}".encode() in head
    assert _request("GET", "http://h:1", "/healthz", {}).startswith(b"GET /healthz HTTP/1.1")


def test_bursts_arrive_together_on_schedule_and_count_waiting() -> None:
    """Open loop: a burst that waits on a slow earlier one is timed from its scheduled start."""
    import asyncio
    import time

    from bench.webhook_accept import send_bursts

    arrivals: list[float] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                break
            arrivals.append(time.perf_counter())
            if len(arrivals) <= 4:  # the whole first burst is answered late
                await asyncio.sleep(0.3)
            assert b"Content-Length: 0" in head
            writer.write(b"HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{}")
            await writer.drain()
        writer.close()

    async def main() -> list[tuple[int, float, int]]:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        requests = [_request("POST", url, f"/d/{n}", {}) for n in range(12)]
        out = await send_bursts(url, requests, concurrency=4, every=0.1)
        server.close()
        return out

    out = asyncio.run(main())
    assert len(out) == 12 and {status for status, _, _ in out} == {202}
    by_burst = {i: [s for _, s, b in out if b == i] for i in range(3)}
    assert all(len(v) == 4 for v in by_burst.values())
    assert min(by_burst[0]) >= 0.29  # answered after the server's 0.3 s stall
    assert min(by_burst[1]) >= 0.19  # scheduled at 0.1 s, sent only once burst 0 was answered
    assert arrivals[3] - arrivals[0] < 0.05  # the four of a burst arrive together
