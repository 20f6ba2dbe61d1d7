"""Write-back to a Chatwoot conversation: labels, then a private note.

Chatwoot's `POST .../conversations/{id}/labels` replaces the whole list, so the current
labels are read first and ours are added to them. Label titles in Chatwoot allow only
letters, digits, `-` and `_`, hence `toneguard-threat` rather than `toneguard:threat`.
The note is a private outgoing message; its `content_attributes` and its last line carry
the job's key, and the conversation's latest messages are searched for that key before
posting, so a repeated job never posts a second note.
"""

from __future__ import annotations

from typing import Any

import httpx

from service.jobs.worker import JobContext
from service.writeback.http import call, client, helpdesk_api
from service.writeback.note import has_marker

KIND = "writeback.chatwoot"
HELPDESK = "chatwoot"
TAG_PREFIX = "toneguard-"


def tags(labels: list[str]) -> list[str]:
    return [f"{TAG_PREFIX}{label}" for label in sorted(labels)]


def _merge_labels(http: httpx.Client, base: str, headers: dict[str, str],
                  wanted: list[str]) -> None:
    answer = call(http, "GET", f"{base}/labels", headers)
    current = answer.get("payload", []) if isinstance(answer, dict) else []
    current = [str(x) for x in current] if isinstance(current, list) else []
    missing = [t for t in wanted if t not in current]
    if missing:
        call(http, "POST", f"{base}/labels", headers, {"labels": current + missing})


def _already_posted(http: httpx.Client, base: str, headers: dict[str, str], key: str) -> bool:
    answer = call(http, "GET", f"{base}/messages", headers)
    messages: Any = answer.get("payload", []) if isinstance(answer, dict) else answer
    for m in messages if isinstance(messages, list) else []:
        if not isinstance(m, dict):
            continue
        attrs = m.get("content_attributes")
        if (isinstance(attrs, dict) and attrs.get("toneguard_ref") == key) or has_marker(
                m.get("content"), key):
            return True
    return False


def _post_note(http: httpx.Client, base: str, headers: dict[str, str], note: str,
               key: str) -> None:
    if _already_posted(http, base, headers, key):
        return
    call(http, "POST", f"{base}/messages", headers, {
        "content": note, "message_type": "outgoing", "private": True, "content_type": "text",
        "content_attributes": {"toneguard_ref": key},
    })


def handle(ctx: JobContext) -> None:
    """Job payload: tenant, account_id, conversation_id, labels, note."""
    p = ctx.payload
    api = helpdesk_api(ctx.settings, p["tenant"], HELPDESK)
    base = (f"{api.url.rstrip('/')}/api/v1/accounts/{p['account_id']}"
            f"/conversations/{p['conversation_id']}")
    headers = {"api_access_token": api.token.get_secret_value(), "Idempotency-Key": ctx.job.key}
    with client(ctx.settings) as http:
        if p.get("labels"):
            ctx.step("labels", lambda: _merge_labels(http, base, headers, tags(p["labels"])))
        ctx.step("note", lambda: _post_note(http, base, headers, p["note"], ctx.job.key))
