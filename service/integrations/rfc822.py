"""Raw RFC 822 / MIME messages (``Content-Type: message/rfc822``) to an IncomingMessage.

The sender's address is the client, ``Date`` is ``sent_at``, ``Message-ID`` the id.
The body is the text/plain alternative when there is one, else the HTML one converted
to text; attachments are ignored. The whole body is kept (quotes included): the
classifier's clean-up decides what is new and records the rest as ignored ranges.
"""

from __future__ import annotations

from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr

from classifier.email_cleanup import html_to_text
from service.ingest import IncomingMessage
from service.integrations import PayloadError

CHANNEL = "email"


def _header(msg: EmailMessage, name: str) -> str:
    try:
        value = msg.get(name)
    except (ValueError, IndexError, TypeError) as exc:  # malformed header syntax
        raise PayloadError(name, f"header {name} cannot be parsed") from exc
    text = str(value).strip() if value is not None else ""
    if not text:
        raise PayloadError(name, f"header {name} is missing")
    return text


def _sender(msg: EmailMessage) -> str:
    raw = _header(msg, "From")
    address = ""
    header = msg["From"]
    addresses = getattr(header, "addresses", ())
    if addresses:
        address = addresses[0].addr_spec
    if "@" not in address:
        address = parseaddr(raw)[1]
    if "@" not in address:
        raise PayloadError("From", "header From has no email address")
    return address.strip().lower()


def sender_name(raw: bytes) -> str | None:
    """The From header's display name ("Anna Petrova" in `Anna Petrova <a@x.ru>`), if any.

    Replies greet the client by it; an address alone is no name, so that gives None.
    """
    msg = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
    try:
        header = msg["From"]
    except (ValueError, IndexError, TypeError):
        return None
    addresses = getattr(header, "addresses", ())
    name = addresses[0].display_name if addresses else parseaddr(str(header or ""))[0]
    name = " ".join(str(name or "").split()).strip("\"'")
    return name if name and "@" not in name else None


def _date(msg: EmailMessage) -> datetime:
    _header(msg, "Date")
    stamp = getattr(msg["Date"], "datetime", None)
    if not isinstance(stamp, datetime):
        raise PayloadError("Date", "header Date is not an RFC 5322 date")
    return stamp


def _decode(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, UnicodeDecodeError):
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def assume_utf8(msg: EmailMessage) -> None:
    """A body that names no charset but is valid UTF-8 (a message typed or saved by hand)
    is read as UTF-8 rather than as ASCII full of replacement characters."""
    part = msg.get_body(preferencelist=("plain", "html"))
    if not isinstance(part, EmailMessage) or part.get_param("charset") is not None:
        return
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return
    try:
        payload.decode("utf-8")
    except UnicodeDecodeError:
        return
    part.set_param("charset", "utf-8")


def body_text(msg: EmailMessage) -> str:
    """The readable body: text/plain preferred, else HTML as text; '' when there is none."""
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None or not isinstance(part, EmailMessage):
        return ""
    text = _decode(part)
    if part.get_content_subtype() == "html":
        return html_to_text(text)
    return text.replace("\r\n", "\n").strip("\n")


def parse_rfc822(raw: bytes) -> IncomingMessage:
    """Parse a raw message; raises PayloadError naming the missing or broken header."""
    if not raw.strip():
        raise PayloadError("body", "the request body is empty")
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    if not isinstance(msg, EmailMessage) or not msg.keys():
        raise PayloadError("body", "not an RFC 822 message (no headers)")
    client = _sender(msg)
    sent_at = _date(msg)
    message_id = _header(msg, "Message-ID").strip().strip("<>").strip()
    if not message_id:
        raise PayloadError("Message-ID", "header Message-ID is empty")
    subject = str(msg.get("Subject") or "").strip() or None
    assume_utf8(msg)
    text = body_text(msg)
    if not text.strip():
        raise PayloadError("body", "the message has no text/plain or text/html part with text")
    return IncomingMessage(
        message_id=message_id,
        client_id=client,
        text=text,
        sent_at=sent_at,
        channel=CHANNEL,
        subject=subject,
    )
