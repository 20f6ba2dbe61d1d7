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
