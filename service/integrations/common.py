"""Small readers for JSON webhook payloads: typed access that fails with the field's path."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from classifier.email_cleanup import html_to_text, looks_like_html
from service.ingest import IncomingMessage
from service.integrations import PayloadError


@dataclass(frozen=True)
class Ignored:
    """A well-formed delivery that carries nothing to classify (answered with a 2xx)."""

    reason: str


Parsed = IncomingMessage | Ignored


def as_object(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(path, "must be a JSON object")
    return value


def json_body(raw: bytes) -> dict[str, Any]:
    """A delivery's body as a JSON object, or a PayloadError on "body"."""
    try:
        return as_object(json.loads(raw), "body")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PayloadError("body", "is not valid JSON") from exc


def get_id(obj: dict[str, Any], key: str, path: str) -> str:
    """An id helpdesks send as an integer (or a numeric string)."""
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int | str) or str(value).strip() == "":
        raise PayloadError(path, "is required and must be an integer or a string id")
    return str(value).strip()


def get_bool(obj: dict[str, Any], key: str, path: str, default: bool = False) -> bool:
    value = obj.get(key, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise PayloadError(path, "must be true or false")
    return value


def get_text(obj: dict[str, Any], key: str, path: str) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise PayloadError(path, "must be a string")
    return value


def readable(body: str, is_html: bool = False) -> str:
    """Text as an agent would read it: HTML bodies converted, outer blank space trimmed."""
    if is_html or looks_like_html(body):
        return html_to_text(body)
    return body.replace("\r\n", "\n").strip()


def parse_time(value: Any, path: str) -> datetime | None:
    """ISO 8601, ``"2026-11-24 10:00:00 UTC"`` (Chatwoot) or unix seconds; None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=UTC)
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(" UTC"):
            text = text[:-4] + "+00:00"
        try:
            stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    raise PayloadError(path, "must be an ISO 8601 timestamp or unix seconds")
