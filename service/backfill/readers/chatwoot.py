"""Chatwoot history: pages saved from its application API, in one folder.

Two documented shapes are read, in any mix and any file names:

* conversation lists, `GET /api/v1/accounts/{account}/conversations?page=N`:
  `{"data": {"meta": ..., "payload": [conversation, ...]}}`, each conversation with
  `account_id`, `meta.sender` (the contact) and its `messages`;
* a conversation's messages, `GET .../conversations/{id}/messages`:
  `{"meta": {"contact": ...}, "payload": [message, ...]}`.

A bare list of either, or one conversation object, is read too. Each message goes through
the webhook's parser (service.integrations.chatwoot), so only incoming messages from the
contact count (agents' replies, bots, activity and private notes are counted as ignored)
and ids match those of live webhooks: a message seen both ways is stored once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from service.backfill.readers.pages import load_pages
from service.backfill.rows import Limits, bad, ignored, message
from service.integrations import PayloadError
from service.integrations.chatwoot import parse_payload
from service.integrations.common import Ignored

Found = tuple[str, dict[str, Any], Any]  # (JSON path, conversation context, message)


def _from_conversation(path: str, conv: dict[str, Any]) -> Iterator[Found]:
    messages = conv.get("messages")
    for j, msg in enumerate(messages if isinstance(messages, list) else []):
        yield f"{path}.messages[{j}]", conv, msg


def _messages(page: Any) -> Iterator[Found] | None:
    """The messages of a page with their conversation; None when it is no Chatwoot page."""
    if isinstance(page, dict) and isinstance(page.get("data"), dict):
        convs = page["data"].get("payload")
        if isinstance(convs, list):
            return (m for i, c in enumerate(convs) if isinstance(c, dict)
                    for m in _from_conversation(f"data.payload[{i}]", c))
    if isinstance(page, dict) and isinstance(page.get("payload"), list):
        meta: dict[str, Any] = page["meta"] if isinstance(page.get("meta"), dict) else {}
        conv = {"meta": {"sender": meta.get("contact")},
                "additional_attributes": meta.get("additional_attributes")}
        return ((f"payload[{j}]", conv, m) for j, m in enumerate(page["payload"]))
    if isinstance(page, dict) and isinstance(page.get("messages"), list):
        return _from_conversation("", page)
    if isinstance(page, list):
        return (m for i, item in enumerate(page) for m in (
            _from_conversation(f"[{i}]", item)
            if isinstance(item, dict) and "messages" in item else [(f"[{i}]", {}, item)]))
    return None


def _delivery(msg: dict[str, Any], conv: dict[str, Any]) -> dict[str, Any] | Ignored:
    """The message in the shape of a `message_created` webhook delivery."""
    sender_type = msg.get("sender_type")
    if isinstance(sender_type, str) and sender_type.lower() != "contact":
        return Ignored(f"sent by a {sender_type}, not the contact")
    sender = msg.get("sender")
    if sender_type and msg.get("sender_id") is not None:
        sender = {"id": msg["sender_id"], "type": "contact"}
    account = msg.get("account_id", conv.get("account_id"))
    return {
        "event": "message_created", "id": msg.get("id"), "message_type": msg.get("message_type"),
        "private": msg.get("private"), "content": msg.get("content"),
        "created_at": msg.get("created_at"),
        "account": {"id": account} if account is not None else None,
        "sender": sender,
        "conversation": {"meta": conv.get("meta"), "contact_inbox": conv.get("contact_inbox"),
                         "additional_attributes": conv.get("additional_attributes")},
    }


def read_chatwoot(folder: Path, limits: Limits) -> Iterator[dict[str, Any]]:
    for path, page in load_pages(folder):
        found = None if isinstance(page, str) else _messages(page)
        if found is None:
            yield bad(str(path), page if isinstance(page, str)
                      else "not a Chatwoot conversations or messages page")
            continue
        for where, conv, msg in found:
            src = f"{path}: {where}"
            if not isinstance(msg, dict):
                yield bad(src, "a message must be a JSON object")
                continue
            delivery = _delivery(msg, conv)
            try:
                parsed = delivery if isinstance(delivery, Ignored) else parse_payload(delivery)
            except PayloadError as exc:
                yield bad(src, str(exc))
                continue
            if isinstance(parsed, Ignored):
                yield ignored(src, parsed.reason)
            else:
                yield message(src, parsed, limits)


def is_chatwoot(page: Any) -> bool:
    if isinstance(page, dict) and isinstance(page.get("data"), dict):
        return True
    items = page.get("payload") if isinstance(page, dict) else page
    if isinstance(page, dict) and "messages" in page:
        return True
    return isinstance(items, list) and any(
        isinstance(x, dict) and ("message_type" in x or "messages" in x) for x in items[:5])
