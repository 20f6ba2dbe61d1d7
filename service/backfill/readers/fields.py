"""One record of a message table (JSONL, CSV, Parquet) to a row: the fields and their aliases.

Columns: `id` (or `message_id`), `client` (or `client_id`), `text`, `sent_at` (ISO 8601,
`... UTC` or unix seconds; a time without an offset is read as UTC), and optional
`channel` and `subject`. Ids may be numbers; an empty cell counts as missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from service.backfill.rows import Limits, bad, message
from service.ingest import IncomingMessage
from service.integrations import PayloadError
from service.integrations.common import parse_time

ID_KEYS = ("id", "message_id")
CLIENT_KEYS = ("client", "client_id")


class FieldError(ValueError):
    """A field is missing or of the wrong kind; the message names it."""


def _pick(fields: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = fields.get(key)
        if value is not None and value != "":
            return value
    return None


def _string(fields: Mapping[str, Any], keys: tuple[str, ...], required: bool,
            ids: bool = False) -> str | None:
    value = _pick(fields, keys)
    if value is None:
        if required:
            raise FieldError(f"{keys[0]} is missing")
        return None
    if ids and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise FieldError(f"{keys[0]} must be a string{' or an integer' if ids else ''}")
    return value.strip() if ids else value


def _sent_at(fields: Mapping[str, Any]) -> datetime | None:
    value = fields.get("sent_at")
    if isinstance(value, datetime):  # Parquet timestamps
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        return parse_time(value, "sent_at")
    except PayloadError as exc:
        raise FieldError(str(exc)) from None


def from_fields(src: str, fields: Mapping[str, Any], limits: Limits) -> dict[str, Any]:
    """The row for one record, or a bad row naming the field at fault."""
    message_id: str | None = None
    try:
        message_id = _string(fields, ID_KEYS, required=True, ids=True)
        client_id = _string(fields, CLIENT_KEYS, required=True, ids=True)
        text = _string(fields, ("text",), required=True)
        msg = IncomingMessage(
            message_id=message_id or "", client_id=client_id or "", text=text or "",
            sent_at=_sent_at(fields), channel=_string(fields, ("channel",), required=False),
            subject=_string(fields, ("subject",), required=False),
        )
    except FieldError as exc:
        return bad(src, str(exc), message_id)
    return message(src, msg, limits)
