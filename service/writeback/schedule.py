"""Queue the write-back of a message that came in through a helpdesk webhook.

Called by the webhook route after ingest, for new and replayed deliveries alike: the job
key `writeback:<tenant>:<message id>` is unique, so a replay adds nothing, while a
delivery whose first attempt died between ingest and enqueue gets its job after all.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from service.context import Services, TenantContext
from service.ingest import IngestResult
from service.jobs.queue import enqueue
from service.writeback import chatwoot, zammad
from service.writeback.note import note_text

logger = logging.getLogger(__name__)


def job_key(tenant: str, message_id: str) -> str:
    return f"writeback:{tenant}:{message_id}"


def target(helpdesk: str, raw: bytes) -> dict[str, Any] | None:
    """Where the note goes, read from the delivery: Chatwoot account and conversation (its
    display id, which the API uses), or the Zammad ticket id."""
    try:
        payload = json.loads(raw)
        if helpdesk == "chatwoot":
            return {"account_id": int(payload["account"]["id"]),
                    "conversation_id": int(payload["conversation"]["id"])}
        if helpdesk == "zammad":
            ticket = payload.get("ticket") or {}
            article = payload.get("article") or {}
            return {"ticket_id": int(ticket.get("id") or article["ticket_id"])}
    except (ValueError, KeyError, TypeError, AttributeError):
        logger.warning("%s delivery names no conversation/ticket; no write-back", helpdesk)
    return None


def _reply(services: Services, tenant: TenantContext, result: IngestResult) -> str | None:
    from service.api.routes.messages import suggest_replies

    m = result.message
    try:
        replies = suggest_replies(services, tenant, m.text, m.labels, m.lang,
                                  result.tally.risk_level, {}, 1)
    except Exception:  # a missing suggestion must not cost the tags and the evidence
        logger.warning("no reply suggestion for the write-back note", exc_info=True)
        return None
    return replies[0].text if replies else None


def schedule_writeback(services: Services, tenant: TenantContext, helpdesk: str, raw: bytes,
                       result: IngestResult) -> bool:
    """Enqueue tags and a note for a flagged message; False when there is nothing to do
    (no flag, no write-back configured for this tenant and helpdesk, or already queued)."""
    settings = services.settings
    m = result.message
    if not m.labels or helpdesk not in settings.writeback.get(tenant.name, {}):
        return False
    where = target(helpdesk, raw)
    if where is None:
        return False
    key = job_key(tenant.name, m.message_id)
    kind = chatwoot.KIND if helpdesk == "chatwoot" else zammad.KIND
    note = note_text(key, m.labels, m.scores, m.spans, _reply(services, tenant, result),
                     result.tally.risk_level)
    payload = {"tenant": tenant.name, "message_id": m.message_id, "labels": list(m.labels),
               "note": note, **where}
    with services.db.session() as s:
        added = enqueue(s, kind=kind, key=key, payload=payload, tenant_id=tenant.id,
                        max_attempts=settings.jobs_max_attempts)
        s.commit()
    return added
