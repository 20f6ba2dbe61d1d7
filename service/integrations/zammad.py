"""Zammad trigger webhooks.

Zammad signs a delivery when the webhook has an "HMAC SHA1 Signature Token":
``X-Hub-Signature: sha1=<hex>``, the HMAC-SHA1 of the raw body. Zammad sends no
timestamp, so replays are handled by idempotency: the article id is the message id.

Kept: the trigger's article when its sender is ``Customer`` and it is not internal.
The client is ``zammad:<ticket.customer_id>``; HTML bodies are converted to text.
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
from service.integrations.signatures import check_prefixed

SIGNATURE_HEADER = "X-Hub-Signature"
CHANNEL = "zammad"


def verify(raw: bytes, signature: str | None, secrets: str | Sequence[str]) -> None:
    """Raise SignatureError unless ``signature`` is the HMAC-SHA1 of ``raw`` with a secret."""
    check_prefixed(signature, secrets, raw, "sha1")


def parse(raw: bytes) -> Parsed:
    """Turn a delivery into an IncomingMessage, or say why it is ignored."""
    return parse_payload(json_body(raw))


def parse_payload(payload: dict[str, Any]) -> Parsed:
    """`parse` for an already decoded delivery (service.backfill reads Zammad's tickets and
    articles into this shape, so history and live messages get the same ids and rules)."""
    ticket = as_object(payload.get("ticket"), "ticket")
    article = payload.get("article")
    if not article:
        return Ignored("the trigger carried no article")
    article = as_object(article, "article")
    article_id = get_id(article, "id", "article.id")
    sender = article.get("sender")
    if not isinstance(sender, str) or not sender:
        raise PayloadError("article.sender", "is required (Customer, Agent or System)")
    if sender != "Customer":
        return Ignored(f"article sender {sender!r} is not Customer")
    if get_bool(article, "internal", "article.internal"):
        return Ignored("internal article")
    if ticket.get("customer_id") is not None:
        customer_id = get_id(ticket, "customer_id", "ticket.customer_id")
    else:
        customer = ticket.get("customer")
        if not isinstance(customer, dict) or customer.get("id") is None:
            raise PayloadError("ticket.customer_id", "is required")
        customer_id = get_id(customer, "id", "ticket.customer.id")
    is_html = get_text(article, "content_type", "article.content_type").lower() == "text/html"
    text = readable(get_text(article, "body", "article.body"), is_html)
    if not text:
        return Ignored("no text (attachments only or empty article)")
    subject = get_text(article, "subject", "article.subject").strip()
    subject = subject or get_text(ticket, "title", "ticket.title").strip()
    return IncomingMessage(
        message_id=f"zammad:{article_id}",
        client_id=f"zammad:{customer_id}",
        text=text,
        sent_at=parse_time(article.get("created_at"), "article.created_at"),
        channel=CHANNEL,
        subject=subject or None,
    )
