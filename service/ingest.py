"""Ingest one client message: classify it, store it, and count it exactly once.

This is the single write path for messages: the HTTP route, the helpdesk webhooks and
the mail poller all call `ingest_message`. Counting is exact across worker processes
because the message insert (guarded by the unique (tenant, message_id) constraint) and
the atomic `n = n + 1` tally updates commit in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Any

import anyio.to_thread
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from classifier.hours import BusinessHours, effective_hours
from classifier.types import Prediction
from service.clock import utc_offset_minutes
from service.context import Services, TenantContext
from service.db.models import Client, LabelTally, Message, MessageLabel
from service.risk import ref_contribution
from service.sensitivity import tenant_decision
from service.views import ClientTally, StoredMessage, client_tally, stored_message

logger = logging.getLogger(__name__)


class IngestError(Exception):
    """Base of the errors a caller should turn into a 4xx."""


class MessageConflict(IngestError):
    """The message_id is known with different content (HTTP 409)."""


class InvalidMessage(IngestError):
    """The message cannot be stored (HTTP 422)."""


class TextTooLong(IngestError):
    """The text is over `Settings.max_text_chars` (HTTP 413)."""


@dataclass(frozen=True)
class IncomingMessage:
    """A client's message as a helpdesk hands it over."""

    message_id: str  # the helpdesk's id; unique per tenant, the idempotency key
    client_id: str  # the helpdesk's id of the sender
    text: str
    sent_at: datetime | None = None  # aware datetime; naive is read as UTC
    channel: str | None = None  # "email", "chat", "chatwoot", ...
    subject: str | None = None

    def content_hash(self) -> str:
        sent = _as_utc(self.sent_at).isoformat() if self.sent_at else None
        payload = [self.client_id, self.text, self.subject, self.channel, sent]
        return hashlib.sha256(json.dumps(payload).encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class IngestResult:
    message: StoredMessage
    tally: ClientTally
    created: bool  # False when the message_id was already stored (a replay)


def _as_utc(t: datetime) -> datetime:
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def _validate(msg: IncomingMessage) -> None:
    if not msg.text or not msg.text.strip():
        raise InvalidMessage("text must not be empty")
    for name in ("message_id", "client_id", "text", "subject", "channel"):
        value = getattr(msg, name)
        if value is not None and "\x00" in value:
            raise InvalidMessage(f"{name} must not contain NUL characters")
        if value is not None and not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise InvalidMessage(f"{name} must be valid Unicode (no lone surrogates)") from None
    if not msg.message_id.strip() or not msg.client_id.strip():
        raise InvalidMessage("message_id and client_id must not be empty")


def _insert(session: Session) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _existing(session: Session, tenant_id: int, message_id: str) -> Message | None:
    return session.scalar(
        select(Message).where(Message.tenant_id == tenant_id, Message.message_id == message_id)
    )


def _replay(
    session: Session, found: Message, msg: IncomingMessage, tenant: TenantContext, half_life: float
) -> IngestResult:
    if found.content_hash != msg.content_hash():
        raise MessageConflict(
            f"message_id {msg.message_id!r} was already stored with different content"
        )
    return IngestResult(
        message=stored_message(found, msg.client_id),
        tally=client_tally(session, found.client_pk, msg.client_id, half_life),
        created=False,
    )


def event_time(sent_at: datetime | None, now: datetime) -> datetime:
    """When a message counts for tallies and decay: its send time, never later than receipt."""
    return min(_as_utc(sent_at), now) if sent_at else now


def message_row(
    tenant_id: int, client_pk: int, msg: IncomingMessage, pred: Prediction,
    decision: dict[str, Any] | None, model_name: str, model_version: str, now: datetime,
) -> Message:
    """The stored row of a classified message (shared with service.backfill, so a message
    backfilled from history is stored exactly as a live one)."""
    labels = sorted(set(pred.labels))
    return Message(
        tenant_id=tenant_id, message_id=msg.message_id, client_pk=client_pk, text=msg.text,
        subject=msg.subject, channel=msg.channel,
        sent_at=_as_utc(msg.sent_at) if msg.sent_at else None,
        event_at=event_time(msg.sent_at, now), sent_utc_offset=utc_offset_minutes(msg.sent_at),
        labels=labels, model_labels=labels, scores=dict(pred.scores),
        spans=[asdict(sp) for sp in pred.spans],
        ignored_ranges=[list(r) for r in pred.ignored_ranges], lang=pred.lang,
        outside_business_hours=pred.outside_business_hours,
        content_hash=msg.content_hash(), model_name=model_name, model_version=model_version,
        created_at=now, thresholds=decision,
    )


def count_message(s: Session, row: Message, half_life: float, now: datetime) -> None:
    """Add a just-inserted (flushed) message to its client's tallies and risk, in the
    caller's transaction (shared with service.backfill)."""
    ins = _insert(s)
    for label in row.labels:
        s.add(MessageLabel(message_pk=row.id, label=label))
        s.execute(
            ins(LabelTally)
            .values(client_pk=row.client_pk, label=label, n=1)
            .on_conflict_do_update(
                index_elements=["client_pk", "label"], set_={"n": LabelTally.n + 1}
            )
        )
    s.execute(
        update(Client)
        .where(Client.id == row.client_pk)
        .values(
            message_count=Client.message_count + 1,
            risk_ref=Client.risk_ref + ref_contribution(row.labels, row.event_at, half_life),
            last_seen=now,
        )
    )


def _store(
    services: Services, tenant: TenantContext, msg: IncomingMessage, pred: Prediction,
    decision: dict[str, Any] | None = None,
) -> IngestResult:
    half_life = services.settings.risk_half_life_days
    now = datetime.now(UTC)
    with services.db.session() as s:
        ins = _insert(s)
        # Write first: SQLite then takes its write lock at once and waits politely
        # (busy timeout) instead of failing on a stale read snapshot.
        s.execute(
            ins(Client)
            .values(tenant_id=tenant.id, external_id=msg.client_id, message_count=0,
                    risk_ref=0.0, first_seen=now, last_seen=now)
            .on_conflict_do_nothing(index_elements=["tenant_id", "external_id"])
        )
        client_pk = s.scalar(
            select(Client.id).where(
                Client.tenant_id == tenant.id, Client.external_id == msg.client_id
            )
        )
        assert client_pk is not None
        row = message_row(tenant.id, client_pk, msg, pred, decision, services.engine.model_name,
                          services.engine.model_version, now)
        s.add(row)
        try:
            s.flush()
        except IntegrityError:
            # Another worker stored the same message_id first: its result stands.
            s.rollback()
            found = _existing(s, tenant.id, msg.message_id)
            if found is None:
                raise
            return _replay(s, found, msg, tenant, half_life)
        count_message(s, row, half_life, now)
        s.commit()
        return IngestResult(
            message=stored_message(row, msg.client_id),
            tally=client_tally(s, client_pk, msg.client_id, half_life),
            created=True,
        )


def _with_unread_tail(pred: Prediction, text: str, end: int) -> Prediction:
    """`pred` (made for `text[:end]`) restated for all of `text`: the rest was not read."""
    start = len(text) - len(text[end:].lstrip())
    stop = len(text.rstrip())
    tail = [(start, stop)] if start < stop else []
    return replace(pred, text=text, ignored_ranges=[*pred.ignored_ranges, *tail])


async def ingest_message(
    services: Services,
    tenant: TenantContext,
    msg: IncomingMessage,
    business_hours: Mapping[str, Any] | None = None,
    *,
    max_chars: int | None = None,
    classify_end: int | None = None,
) -> IngestResult:
    """Classify and store `msg` for `tenant`, updating the client's tally once.

    The same message_id again returns the stored result (`created=False`) without
    running the model; the same id with different content raises MessageConflict.
    `business_hours` (the stored JSON shape, see classifier.hours) overrides the tenant's.
    Raises InvalidMessage for empty text or NUL characters, TextTooLong over the limit
    (`max_chars`, default `max_text_chars`). With `classify_end` only `msg.text[:classify_end]`
    is classified (the caller has sized the client's own text, see
    service.integrations.long_text) and the rest is stored as an ignored range.
    """
    _validate(msg)
    limit = max_chars if max_chars is not None else services.settings.max_text_chars
    if len(msg.text) > limit:
        raise TextTooLong(f"text has {len(msg.text)} characters; the limit is {limit}")
    half_life = services.settings.risk_half_life_days

    def lookup() -> IngestResult | None:
        with services.db.session() as s:
            found = _existing(s, tenant.id, msg.message_id)
            return None if found is None else _replay(s, found, msg, tenant, half_life)

    replay = await anyio.to_thread.run_sync(lookup)
    if replay is not None:
        return replay
    hours = effective_hours(services.settings.business_hours, tenant.business_hours,
                            business_hours)
    # The classifier gets the sender's own offset; storage normalises to UTC.
    sent_at = msg.sent_at
    if sent_at is not None and sent_at.tzinfo is None:
        sent_at = sent_at.replace(tzinfo=UTC)
    # The tenant's sensitivity decides the labels (and so tallies and risk); the message
    # keeps the thresholds it was decided with.
    cut, decision = tenant_decision(services.engine.model_thresholds, tenant.sensitivity)
    read = msg.text if classify_end is None else msg.text[:classify_end]
    [pred] = await services.engine.classify([read], [sent_at], BusinessHours.from_dict(hours),
                                            thresholds=cut)
    if len(read) < len(msg.text):
        pred = _with_unread_tail(pred, msg.text, len(read))
    result = await anyio.to_thread.run_sync(_store, services, tenant, msg, pred, decision)
    if result.created:
        services.metrics.messages_ingested.inc()
        services.metrics.count_labels(result.message.labels, "ingest")
        await _check_alert(services, tenant, result)
    return result


async def _check_alert(services: Services, tenant: TenantContext, result: IngestResult) -> None:
    """Queue a risk alert if this message raised the client's level (service.alerts). The
    message is stored already: a failure here is logged, and the next message re-checks."""
    from service.alerts import check_rise

    try:
        await anyio.to_thread.run_sync(check_rise, services, tenant, result)
    except Exception:
        logger.exception("risk alert check failed for client %s", result.message.client_id)
