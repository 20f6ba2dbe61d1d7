"""The one row shape every reader emits and the pipeline carries (an Arrow-friendly dict).

A row is either a message to score (`ok`), a record that cannot be one (`bad`, with the
reason), or a record that is not the client's own words (`ignored`: an agent's reply, a
private note), so nothing read is dropped without being counted. `src` says where the
record was found (`file:line`, `file:row N`, or a JSON path in a helpdesk page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pyarrow as pa

from service.ingest import IncomingMessage, InvalidMessage, _validate
from service.integrations.long_text import size_message

OK, BAD, IGNORED = "ok", "bad", "ignored"
# After scoring: newly classified, or stored before (not classified again).
SCORED, PRESENT = "scored", "present"

# Column sizes of the messages and clients tables (service.db.models).
MAX_ID_CHARS = 200
MAX_CHANNEL_CHARS = 64

READ_SCHEMA = pa.schema([
    ("src", pa.string()),
    ("status", pa.string()),
    ("reason", pa.string()),
    ("message_id", pa.string()),
    ("client_id", pa.string()),
    ("text", pa.string()),
    ("subject", pa.string()),
    ("channel", pa.string()),
    ("sent_at", pa.string()),  # ISO 8601 with the sender's offset, as received
    ("classify_end", pa.int64()),  # classify text[:classify_end]; null: all of it
])
# What the scoring actors add: the prediction and how it was decided, as JSON text.
SCORED_SCHEMA = READ_SCHEMA.append(pa.field("result", pa.string()))


@dataclass(frozen=True)
class Limits:
    """How much of a message is stored and classified (the webhook rules, from Settings)."""

    classify_chars: int = 20_000
    store_chars: int = 200_000


def bad(src: str, reason: str, message_id: str | None = None) -> dict[str, Any]:
    return {"src": src, "status": BAD, "reason": reason, "message_id": message_id}


def ignored(src: str, reason: str) -> dict[str, Any]:
    return {"src": src, "status": IGNORED, "reason": reason}


def message(src: str, msg: IncomingMessage, limits: Limits) -> dict[str, Any]:
    """A row for `msg`, or a bad row saying why it cannot be stored."""
    if msg.sent_at is None:
        return bad(src, "sent_at is missing (a backfill counts each message at its own time)",
                   msg.message_id)
    for name, most in (("message_id", MAX_ID_CHARS), ("client_id", MAX_ID_CHARS),
                       ("channel", MAX_CHANNEL_CHARS)):
        value = getattr(msg, name)
        if value is not None and len(value) > most:
            return bad(src, f"{name} is longer than {most} characters", msg.message_id)
    try:
        _validate(msg)
    except InvalidMessage as exc:
        return bad(src, str(exc), msg.message_id)
    sized = size_message(msg, limits.classify_chars, limits.store_chars)
    m = sized.message
    return {"src": src, "status": OK, "reason": None, "message_id": m.message_id,
            "client_id": m.client_id, "text": m.text, "subject": m.subject,
            "channel": m.channel, "sent_at": m.sent_at.isoformat() if m.sent_at else None,
            "classify_end": sized.classify_end}


def incoming(row: dict[str, Any]) -> IncomingMessage:
    """The IncomingMessage a row carries (its sent_at keeps the sender's offset)."""
    sent = row.get("sent_at")
    return IncomingMessage(
        message_id=row["message_id"], client_id=row["client_id"], text=row["text"],
        sent_at=datetime.fromisoformat(sent) if sent else None, channel=row.get("channel"),
        subject=row.get("subject"),
    )


def table(rows: list[dict[str, Any]], schema: pa.Schema = READ_SCHEMA) -> pa.Table:
    """Rows as an Arrow block; missing keys are nulls."""
    return pa.Table.from_pylist([{name: r.get(name) for name in schema.names} for r in rows],
                                schema=schema)
