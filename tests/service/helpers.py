"""Small request builders shared by the service tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from classifier.types import LABELS


def iso(days_ago: float = 0.0, hour: int | None = None) -> str:
    t = datetime.now(UTC) - timedelta(days=days_ago)
    if hour is not None:
        t = t.replace(hour=hour, minute=5, second=0, microsecond=0)
    return t.isoformat()


def message(mid: str, cid: str = "client-1", text: str | None = None, **extra: Any) -> dict:
    body = {
        "message_id": mid,
        "client_id": cid,
        "text": text or f"Hello, this is message {mid}. Where is my order?",
        "sent_at": iso(),
    }
    body.update(extra)
    return body


def ingest(api: Any, mid: str, cid: str = "client-1", key: str | None = None, **kw: Any) -> dict:
    r = api.post("/v1/messages", message(mid, cid, **kw), key=key)
    assert r.status_code == 200, r.text
    return r.json()


def set_labels(api: Any, mid: str, labels: list[str], key: str | None = None) -> dict:
    r = api.post("/v1/feedback", {"message_id": mid, "labels": labels}, key=key)
    assert r.status_code == 200, r.text
    return r.json()


def zero_counts() -> dict[str, int]:
    return dict.fromkeys(LABELS, 0)
