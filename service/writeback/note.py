"""The internal note toneguard leaves on a conversation or ticket, and how to know it again.

Every note ends with a fixed marker line carrying the job's idempotency key. It serves two
ends: before posting, a handler looks for a note with its key (so a job that ran twice,
or a worker that died after sending, leaves one note), and the webhook skips its own note
when the helpdesk echoes it back as a new message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

MARKER = "toneguard-ref:"
MAX_EVIDENCE = 5
MAX_QUOTE_CHARS = 200


def marker_line(key: str) -> str:
    return f"{MARKER} {key}"


def has_marker(text: Any, key: str | None = None) -> bool:
    """True when `text` carries our marker (for `key`, when given)."""
    if not isinstance(text, str):
        return False
    if key is None:
        return MARKER in text
    return marker_line(key) in text


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_QUOTE_CHARS else text[: MAX_QUOTE_CHARS - 1] + "…"


def note_text(key: str, labels: Iterable[str], scores: Mapping[str, float],
              spans: Iterable[Mapping[str, Any]], reply: str | None,
              risk_level: str | None) -> str:
    """Plain text: the flags with scores, the evidence, the suggested reply, the marker."""
    labels = sorted(labels)
    flags = ", ".join(f"{label} ({scores.get(label, 0.0):.2f})" for label in labels)
    lines = [f"toneguard flagged this message: {flags}"]
    if risk_level:
        lines.append(f"Client risk level: {risk_level}")
    evidence = [s for s in spans if s.get("label") in labels and str(s.get("text", "")).strip()]
    if evidence:
        lines.append("Evidence:")
        lines += [f"- {s['label']}: \"{_quote(str(s['text']))}\""
                  for s in evidence[:MAX_EVIDENCE]]
    if reply:
        lines += ["Suggested reply:", reply.strip()]
    lines += ["", marker_line(key)]
    return "\n".join(lines)


def is_own_note(helpdesk: str, payload: Any) -> bool:
    """Whether a decoded webhook delivery is our own note coming back (never a customer's
    message).

    Only agent-side items count: a Chatwoot private or non-incoming message, a Zammad
    internal or non-customer article. A customer who pastes the marker is still classified.
    """
    if not isinstance(payload, dict):
        return False
    if helpdesk == "chatwoot":
        attrs = payload.get("content_attributes")
        ours = has_marker(payload.get("content")) or (
            isinstance(attrs, dict) and "toneguard_ref" in attrs)
        agent_side = payload.get("private") is True or payload.get("message_type") not in (
            "incoming", 0)
        return ours and agent_side
    article = payload.get("article")
    if helpdesk != "zammad" or not isinstance(article, dict):
        return False
    agent_side = article.get("internal") is True or article.get("sender") != "Customer"
    return has_marker(article.get("body")) and agent_side
