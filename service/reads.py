"""Read-side queries behind the inbox, message view, client card and client list.

Everything is scoped by tenant id in SQL, so another tenant's rows are simply not found.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from typing import TypeVar

from sqlalchemy import Select, delete, exists, func, select
from sqlalchemy.orm import Session

from classifier.types import LABELS
from service.clock import local_time
from service.db.models import Client, Feedback, LabelTally, Message, MessageLabel
from service.evidence import own_spans
from service.risk import (
    FlaggedFact,
    Reason,
    current_score,
    level_bounds,
    level_for,
    reasons,
    ref_threshold,
)
from service.views import ClientTally, StoredMessage, client_tally, stored_message

EVIDENCE_LIMIT = 50
WINDOW_DAYS = 30


_S = TypeVar("_S", bound=Select)  # type: ignore[type-arg]


def _level_filter(stmt: _S, level: str, now: datetime, half_life: float) -> _S:
    low, high = level_bounds(level)
    if low > 0:
        stmt = stmt.where(Client.risk_ref >= ref_threshold(low, now, half_life))
    if high is not None:
        stmt = stmt.where(Client.risk_ref < ref_threshold(high, now, half_life))
    return stmt


def _client_matches(stmt: _S, session: Session, q: str) -> _S:
    """Clients whose id contains `q`, ignoring case (any script), as a search box expects."""
    folded = q.casefold()
    fold = func.casefold if session.get_bind().dialect.name == "sqlite" else func.lower
    return stmt.where(fold(Client.external_id).contains(folded, autoescape=True))


def _narrow_and_count(stmt: _S, session: Session, q: str | None, level: str | None,
                      now: datetime, half_life: float) -> tuple[_S, int]:
    """`stmt` kept to clients whose id contains `q` at risk `level`, and its row count."""
    if q:
        stmt = _client_matches(stmt, session, q)
    if level:
        stmt = _level_filter(stmt, level, now, half_life)
    return stmt, session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def find_client(session: Session, tenant_id: int, client_id: str) -> Client | None:
    return session.scalar(
        select(Client).where(Client.tenant_id == tenant_id, Client.external_id == client_id)
    )


@dataclass(frozen=True)
class InboxRow:
    message: StoredMessage
    client_risk_level: str


def inbox(
    session: Session, tenant_id: int, *, now: datetime, half_life: float,
    label: str | None = None, level: str | None = None, client_id: str | None = None,
    client_q: str | None = None, limit: int = 50, offset: int = 0,
) -> tuple[list[InboxRow], int]:
    """Newest first by send time (arrival when a message has none), optionally filtered
    by label, client risk level, client id or part of it (`client_q`, any case).

    `event_at` is the send time, or the arrival when there is none or it lies ahead.
    """
    stmt = (
        select(Message, Client.external_id, Client.risk_ref)
        .join(Client, Client.id == Message.client_pk)
        .where(Message.tenant_id == tenant_id)
    )
    if label:
        stmt = stmt.where(
            exists().where(MessageLabel.message_pk == Message.id, MessageLabel.label == label)
        )
    if client_id:
        stmt = stmt.where(Client.external_id == client_id)
    stmt, total = _narrow_and_count(stmt, session, client_q, level, now, half_life)
    rows = session.execute(
        stmt.order_by(Message.event_at.desc(), Message.id.desc()).limit(limit).offset(offset)
    ).all()
    out = [
        InboxRow(stored_message(m, ext), level_for(current_score(ref, now, half_life)))
        for m, ext, ref in rows
    ]
    return out, total


@dataclass(frozen=True)
class CorrectionMark:
    """The latest agent correction of a message: who (when they said), when, to what."""

    agent: str | None
    at: datetime
    labels: list[str]


def latest_correction(session: Session, tenant_id: int, message_id: str) -> CorrectionMark | None:
    row = session.execute(
        select(Feedback.agent, Feedback.created_at, Feedback.labels)
        .join(Message, Message.id == Feedback.message_pk)
        .where(Message.tenant_id == tenant_id, Message.message_id == message_id)
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    agent, at, labels = row
    return CorrectionMark(agent=agent, at=at, labels=list(labels))


def last_messages(session: Session, client_pks: list[int]) -> dict[int, StoredMessage]:
    """Each client's latest message by send time (arrival when it has none)."""
    if not client_pks:
        return {}
    rank = func.row_number().over(
        partition_by=Message.client_pk, order_by=(Message.event_at.desc(), Message.id.desc())
    )
    ranked = (
        select(Message.id.label("mid"), rank.label("rn"))
        .where(Message.client_pk.in_(client_pks))
        .subquery()
    )
    rows = session.execute(
        select(Message, Client.external_id)
        .join(Client, Client.id == Message.client_pk)
        .join(ranked, ranked.c.mid == Message.id)
        .where(ranked.c.rn == 1)
    ).all()
    return {m.client_pk: stored_message(m, ext) for m, ext in rows}


def message_detail(
    session: Session, tenant_id: int, message_id: str, half_life: float
) -> tuple[StoredMessage, ClientTally] | None:
    row = session.execute(
        select(Message, Client.external_id)
        .join(Client, Client.id == Message.client_pk)
        .where(Message.tenant_id == tenant_id, Message.message_id == message_id)
    ).first()
    if row is None:
        return None
    m, ext = row
    return stored_message(m, ext), client_tally(session, m.client_pk, ext, half_life)


@dataclass
class ClientCard:
    tally: ClientTally
    first_seen: datetime
    last_seen: datetime
    counts_7d: dict[str, int]
    counts_30d: dict[str, int]
    reasons: list[Reason]
    evidence: list[StoredMessage]
    timeline: list[tuple[date, int, dict[str, int]]] = field(default_factory=list)
    last_message: StoredMessage | None = None


def client_card(
    session: Session, tenant_id: int, client_id: str, *, now: datetime, half_life: float,
    tz: tzinfo | None = None, evidence_limit: int = EVIDENCE_LIMIT,
) -> ClientCard | None:
    client = find_client(session, tenant_id, client_id)
    if client is None:
        return None
    since = now - timedelta(days=WINDOW_DAYS)
    today = now.astimezone(tz).date() if tz else now.date()
    recent = session.scalars(
        select(Message).where(Message.client_pk == client.id, Message.event_at >= since)
    ).all()
    c7: Counter[str] = Counter()
    c30: Counter[str] = Counter()
    per_day: dict[date, Counter[str]] = {}
    for m in recent:
        c30.update(m.labels)
        if m.event_at >= now - timedelta(days=7):
            c7.update(m.labels)
        if m.labels:
            # The sender's calendar day (the tenant's when the sender's offset is unknown).
            day = min(local_time(m.event_at, m.sent_utc_offset, tz).date(), today)
            per_day.setdefault(day, Counter()).update([*m.labels, ""])  # "" counts messages
    facts = [
        FlaggedFact(m.labels, m.event_at, m.outside_business_hours,
                    [(s["label"], s["text"]) for s in own_spans(m.text, m.spans,
                                                                 m.ignored_ranges)],
                    utc_offset=m.sent_utc_offset)
        for m in recent if m.labels
    ]
    evidence = session.scalars(
        select(Message)
        .where(
            Message.client_pk == client.id,
            exists().where(MessageLabel.message_pk == Message.id),
        )
        .order_by(Message.event_at.desc(), Message.id.desc())
        .limit(evidence_limit)
    ).all()
    timeline = []
    for back in range(WINDOW_DAYS - 1, -1, -1):
        day = today - timedelta(days=back)
        counts = per_day.get(day, Counter())
        timeline.append((day, counts.get("", 0), {lab: counts.get(lab, 0) for lab in LABELS}))
    return ClientCard(
        tally=client_tally(session, client.id, client.external_id, half_life, now),
        first_seen=client.first_seen, last_seen=client.last_seen,
        counts_7d={label: c7.get(label, 0) for label in LABELS},
        counts_30d={label: c30.get(label, 0) for label in LABELS},
        reasons=reasons(facts, now, tz, WINDOW_DAYS),
        evidence=[_own_words(stored_message(m, client.external_id)) for m in evidence],
        timeline=timeline,
        last_message=last_messages(session, [client.id]).get(client.id),
    )


def _own_words(m: StoredMessage) -> StoredMessage:
    """Evidence quotes only what the client wrote: spans cut out of quotes and signatures."""
    return replace(m, spans=own_spans(m.text, m.spans, m.ignored_ranges))


def list_clients(
    session: Session, tenant_id: int, *, now: datetime, half_life: float,
    level: str | None = None, q: str | None = None, limit: int = 50, offset: int = 0,
) -> tuple[list[ClientTally], list[datetime], int, list[StoredMessage | None]]:
    """Clients, riskiest first (risk_ref orders exactly like the decayed score), with
    when each was last seen (arrival) and their latest message; `q` is part of the id."""
    stmt = select(Client).where(Client.tenant_id == tenant_id)
    stmt, total = _narrow_and_count(stmt, session, q, level, now, half_life)
    clients = session.scalars(
        stmt.order_by(Client.risk_ref.desc(), Client.last_seen.desc(), Client.id)
        .limit(limit).offset(offset)
    ).all()
    tallies = [client_tally(session, c.id, c.external_id, half_life, now) for c in clients]
    last = last_messages(session, [c.id for c in clients])
    return tallies, [c.last_seen for c in clients], total, [last.get(c.id) for c in clients]


def delete_client(session: Session, tenant_id: int, client_id: str) -> int | None:
    """Erase a client's messages, labels, feedback and tally; None when unknown."""
    client = find_client(session, tenant_id, client_id)
    if client is None:
        return None
    ids = select(Message.id).where(Message.client_pk == client.id).scalar_subquery()
    session.execute(delete(Feedback).where(Feedback.message_pk.in_(ids)))
    session.execute(delete(MessageLabel).where(MessageLabel.message_pk.in_(ids)))
    n = session.scalar(select(func.count()).where(Message.client_pk == client.id))
    session.execute(delete(Message).where(Message.client_pk == client.id))
    session.execute(delete(LabelTally).where(LabelTally.client_pk == client.id))
    session.execute(delete(Client).where(Client.id == client.id))
    session.commit()
    return int(n or 0)
