"""Write-back to a Zammad ticket: tags (`toneguard:threat`, ...), then an internal note.

Tags are added one by one with `POST /api/v1/tags/add` (object Ticket), skipping those
the ticket already has. The note is an internal article of type note; before posting,
the ticket's articles are searched for one carrying the job's key, so a repeated job
never posts a second note.
"""

from __future__ import annotations

import httpx

from service.jobs.worker import JobContext
from service.writeback.http import call, client, helpdesk_api
from service.writeback.note import has_marker

KIND = "writeback.zammad"
HELPDESK = "zammad"
TAG_PREFIX = "toneguard:"


def tags(labels: list[str]) -> list[str]:
    return [f"{TAG_PREFIX}{label}" for label in sorted(labels)]


def _add_tags(http: httpx.Client, base: str, headers: dict[str, str], ticket_id: int,
              wanted: list[str]) -> None:
    answer = call(http, "GET", f"{base}/api/v1/tags", headers,
                  params={"object": "Ticket", "o_id": ticket_id})
    current = answer.get("tags", []) if isinstance(answer, dict) else []
    for tag in wanted:
        if tag not in current:
            call(http, "POST", f"{base}/api/v1/tags/add", headers,
                 {"object": "Ticket", "o_id": ticket_id, "item": tag})


def _post_note(http: httpx.Client, base: str, headers: dict[str, str], ticket_id: int,
               note: str, key: str) -> None:
    articles = call(http, "GET", f"{base}/api/v1/ticket_articles/by_ticket/{ticket_id}",
                    headers)
    for a in articles if isinstance(articles, list) else []:
        if isinstance(a, dict) and has_marker(a.get("body"), key):
            return
    call(http, "POST", f"{base}/api/v1/ticket_articles", headers, {
        "ticket_id": ticket_id, "subject": "toneguard", "body": note,
        "content_type": "text/plain", "type": "note", "internal": True,
    })


def handle(ctx: JobContext) -> None:
    """Job payload: tenant, ticket_id, labels, note."""
    p = ctx.payload
    api = helpdesk_api(ctx.settings, p["tenant"], HELPDESK)
    base = api.url.rstrip("/")
    headers = {"Authorization": f"Token token={api.token.get_secret_value()}",
               "Idempotency-Key": ctx.job.key}
    ticket_id = int(p["ticket_id"])
    with client(ctx.settings) as http:
        if p.get("labels"):
            ctx.step("tags", lambda: _add_tags(http, base, headers, ticket_id,
                                               tags(p["labels"])))
        ctx.step("note", lambda: _post_note(http, base, headers, ticket_id, p["note"],
                                            ctx.job.key))
