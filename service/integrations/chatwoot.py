"""Chatwoot ``message_created`` webhooks.

Chatwoot signs deliveries (account webhooks from release 4.11.2, API-inbox and agent-bot
webhooks from 4.13.0): ``X-Chatwoot-Timestamp`` (unix seconds) and
``X-Chatwoot-Signature: sha256=<hex>``, the HMAC-SHA256 of ``"{timestamp}.{raw body}"``
with the webhook's secret (shown by Chatwoot in Settings -> Integrations -> Webhooks).
Deliveries more than five minutes from our clock are refused, so a captured request
cannot be replayed later. Older releases send no signature; for them the webhook URL
carries a token instead (service.integrations.tokens).

E-mail inboxes: ``content`` is the whole mail body, quoted history included (Chatwoot
keeps the parsed mail in ``content_attributes.email``); the service stores it and
classifies only the client's own part (service.integrations.long_text).

Kept: incoming (customer) messages that are not private notes. The client is the
contact within the Chatwoot account (``chatwoot:<account id>:<contact id>``), and the
message id ``chatwoot:<account id>:<message id>`` makes retried deliveries count once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from service.ingest import IncomingMessage
from service.integrations import PayloadError
from service.integrations.common import (
    Ignored,
    Parsed,
    as_object,
    get_bool,
    get_id,
    get_text,
    json_body,
    parse_time,
    readable,
)
from service.integrations.signatures import check_fresh, check_prefixed

SIGNATURE_HEADER = "X-Chatwoot-Signature"
TIMESTAMP_HEADER = "X-Chatwoot-Timestamp"
CHANNEL = "chatwoot"
# Chatwoot's enum for message_type, which some versions send as an integer.
_MESSAGE_TYPES = {0: "incoming", 1: "outgoing", 2: "activity", 3: "template"}


def verify(raw: bytes, signature: str | None, timestamp: str | None,
           secrets: str | Sequence[str], now: float | None = None) -> None:
    """Raise SignatureError unless the delivery is fresh and signed with one of ``secrets``."""
    check_fresh(timestamp, now)
    assert timestamp is not None
    check_prefixed(signature, secrets, timestamp.strip().encode() + b"." + raw, "sha256")


def _message_type(payload: dict[str, Any]) -> str:
    value = payload.get("message_type")
    if isinstance(value, int) and not isinstance(value, bool) and value in _MESSAGE_TYPES:
        return _MESSAGE_TYPES[value]
    if isinstance(value, str) and value:
        return value
    raise PayloadError("message_type", "is required (incoming, outgoing, activity or template)")


def _contact_id(payload: dict[str, Any]) -> str:
    sender = payload.get("sender")
    if isinstance(sender, dict) and sender.get("type", "contact") == "contact" and "id" in sender:
        return get_id(sender, "id", "sender.id")
    conversation = payload.get("conversation")
    if isinstance(conversation, dict):
        inbox = conversation.get("contact_inbox")
        if isinstance(inbox, dict) and inbox.get("contact_id") is not None:
            return get_id(inbox, "contact_id", "conversation.contact_inbox.contact_id")
        meta = conversation.get("meta")
        meta_sender = meta.get("sender") if isinstance(meta, dict) else None
        if isinstance(meta_sender, dict) and meta_sender.get("id") is not None:
            return get_id(meta_sender, "id", "conversation.meta.sender.id")
    raise PayloadError("sender.id", "the contact who wrote the message is missing")


def _subject(payload: dict[str, Any]) -> str | None:
    conversation = payload.get("conversation")
    attrs = conversation.get("additional_attributes") if isinstance(conversation, dict) else None
    subject = attrs.get("mail_subject") if isinstance(attrs, dict) else None
    return subject.strip() or None if isinstance(subject, str) else None


def parse(raw: bytes) -> Parsed:
    """Turn a delivery into an IncomingMessage, or say why it is ignored."""
    return parse_payload(json_body(raw))


def parse_payload(payload: dict[str, Any]) -> Parsed:
    """`parse` for an already decoded delivery (service.backfill reads Chatwoot's API pages
    into this shape, so history and live messages get the same ids and rules)."""
    event = payload.get("event")
    if not isinstance(event, str) or not event:
        raise PayloadError("event", "is required")
    if event != "message_created":
        return Ignored(f"event {event!r} is not message_created")
    message_type = _message_type(payload)
    if message_type != "incoming":
        return Ignored(f"message_type {message_type!r} is not incoming")
    if get_bool(payload, "private", "private"):
        return Ignored("private note")
    message_id = get_id(payload, "id", "id")
    account_id = get_id(as_object(payload.get("account"), "account"), "id", "account.id")
    contact_id = _contact_id(payload)
    sent_at = parse_time(payload.get("created_at"), "created_at")
    text = readable(get_text(payload, "content", "content"))
    if not text:
        return Ignored("no text (attachments only or empty message)")
    return IncomingMessage(
        message_id=f"chatwoot:{account_id}:{message_id}",
        client_id=f"chatwoot:{account_id}:{contact_id}",
        text=text,
        sent_at=sent_at,
        channel=CHANNEL,
        subject=_subject(payload),
    )
