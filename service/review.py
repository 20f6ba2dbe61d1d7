"""The review queue: labels whose calibrated score sat close to the threshold that decided
them, so the model's call was a near thing and an agent should confirm or reject it.

The queue is filled lazily: each read scans the tenant's messages stored since the last
scan (a cursor per tenant) and records one item per label within `band` of its
threshold, so ingestion stays as fast as before. An agent's answer goes through the
ordinary correction path (service.feedback), which keeps who decided and when, moves the
tallies and makes the message part of `toneguard export-feedback`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased

from service.db.models import Client, Feedback, Message, ReviewCursor, ReviewItem, utcnow
from service.feedback import Correction, apply_feedback
from service.views import StoredMessage, stored_message

logger = logging.getLogger(__name__)

SCAN_BATCH = 500
# Messages younger than this are scanned again next time: a concurrent ingest may commit
# a lower id after a higher one, and the cursor must not skip it.
SCAN_GRACE = timedelta(seconds=30)
CONFIRMED, REJECTED = "confirmed", "rejected"


def decision_thresholds(record: Mapping[str, Any] | None,
                        fallback: Mapping[str, float]) -> dict[str, float]:
    """The thresholds a message was labelled with (service.sensitivity.decision_record),
    or `fallback` for messages stored before messages kept them."""
    stored = (record or {}).get("thresholds")
    if isinstance(stored, Mapping) and stored:
        return {str(k): float(v) for k, v in stored.items()}
    return dict(fallback)


def near_threshold(scores: Mapping[str, float], thresholds: Mapping[str, float],
                   band: float) -> list[tuple[str, float, float]]:
    """(label, score, threshold) for each label whose score is within `band` of its cut."""
    out = []
    for label, cut in thresholds.items():
        score = scores.get(label)
        if score is not None and abs(float(score) - cut) < band:
            out.append((label, float(score), float(cut)))
    return out


def _insert(session: Session) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def refresh_queue(session: Session, tenant_id: int, band: float,
                  fallback: Mapping[str, float], now: datetime | None = None) -> int:
    """Scan the tenant's messages stored since the last scan; returns the items added."""
    if band <= 0:
        return 0
    now = now or utcnow()
    ins = _insert(session)
    start = session.scalar(
        select(ReviewCursor.last_message_pk).where(ReviewCursor.tenant_id == tenant_id)
    ) or 0
    cursor, added, last, young_seen = start, 0, start, False
    while True:
        rows = session.execute(
            select(Message.id, Message.scores, Message.thresholds, Message.corrected,
                   Message.created_at)
            .where(Message.tenant_id == tenant_id, Message.id > last)
            .order_by(Message.id).limit(SCAN_BATCH)
        ).all()
        if not rows:
            break
        for pk, scores, record, corrected, created in rows:
            last = pk
            young_seen = young_seen or created > now - SCAN_GRACE
            if not young_seen:
                cursor = pk  # everything up to here is settled: never read again
            if corrected:
                continue  # an agent already set this message's labels
            cut = decision_thresholds(record, fallback)
            for label, score, threshold in near_threshold(scores or {}, cut, band):
                res = session.execute(
                    ins(ReviewItem)
                    .values(tenant_id=tenant_id, message_pk=pk, label=label,
                            score=round(score, 4), threshold=round(threshold, 4),
                            created_at=now)
                    .on_conflict_do_nothing(index_elements=["message_pk", "label"])
                    .returning(ReviewItem.id)
                )
                added += len(res.all())  # nothing comes back for an item already there
        if len(rows) < SCAN_BATCH:
            break
    if cursor > start:
        session.execute(
            ins(ReviewCursor)
            .values(tenant_id=tenant_id, last_message_pk=cursor)
            .on_conflict_do_update(
                index_elements=["tenant_id"], set_={"last_message_pk": cursor},
                where=ReviewCursor.last_message_pk < cursor,
            )
        )
    session.commit()
    if added:
        logger.info("review queue: %d new item(s) for tenant %d", added, tenant_id)
    return added


def _pending(tenant_id: int) -> Any:
    """Items still waiting: undecided, and the message not corrected by hand since."""
    linked = aliased(ReviewItem)
    by_hand = exists().where(
        Feedback.message_pk == ReviewItem.message_pk,
        ~exists().where(linked.feedback_id == Feedback.id),
    )
    return (ReviewItem.tenant_id == tenant_id) & ReviewItem.decision.is_(None) & ~by_hand


@dataclass(frozen=True)
class QueueItem:
    id: int
    label: str
    score: float
    threshold: float
    created_at: datetime
    message: StoredMessage


def pending_items(session: Session, tenant_id: int, limit: int = 50,
                  offset: int = 0) -> tuple[list[QueueItem], int]:
    """Waiting items, the most recently sent message first."""
    cond = _pending(tenant_id)
    total = session.scalar(select(func.count()).select_from(ReviewItem).where(cond)) or 0
    rows = session.execute(
        select(ReviewItem, Message, Client.external_id)
        .join(Message, Message.id == ReviewItem.message_pk)
        .join(Client, Client.id == Message.client_pk)
        .where(cond)
        .order_by(Message.event_at.desc(), Message.id.desc(), ReviewItem.label)
        .limit(limit).offset(offset)
    ).all()
    items = [QueueItem(it.id, it.label, it.score, it.threshold, it.created_at,
                       stored_message(m, ext)) for it, m, ext in rows]
    return items, total


class AlreadyDecided(Exception):
    """The item was confirmed or rejected before (by whom and when is in the message)."""


@dataclass(frozen=True)
class Decision:
    item_id: int
    label: str
    decision: str
    agent: str
    decided_at: datetime
    correction: Correction


def decide(session: Session, tenant_id: int, item_id: int, confirm: bool, agent: str,
           half_life: float) -> Decision | None:
    """Confirm (the label applies) or reject (it does not) an item; None when unknown.

    The message's labels become its current ones with the label added or removed, and the
    correction is recorded even when nothing changes: a confirmation is an answer too.
    """
    item = session.scalar(
        select(ReviewItem).where(ReviewItem.id == item_id, ReviewItem.tenant_id == tenant_id)
    )
    if item is None:
        return None
    verdict, when = (CONFIRMED if confirm else REJECTED), utcnow()
    # Claim the item first (a conditional update), so two agents cannot both answer it.
    claimed = session.execute(
        update(ReviewItem)
        .where(ReviewItem.id == item_id, ReviewItem.decision.is_(None))
        .values(decision=verdict, decided_by=agent, decided_at=when)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        session.rollback()
        done = session.get(ReviewItem, item_id, populate_existing=True)
        assert done is not None
        raise AlreadyDecided(
            f"review item {item_id} was already {done.decision} by {done.decided_by} "
            f"at {done.decided_at.isoformat() if done.decided_at else 'an unknown time'}"
        )
    message = session.get(Message, item.message_pk, populate_existing=True)
    assert message is not None  # the foreign key cascades deletes to the item
    labels = set(message.labels)
    if confirm:
        labels.add(item.label)
    else:
        labels.discard(item.label)
    correction = apply_feedback(
        session, tenant_id, message.message_id, sorted(labels), half_life, agent=agent,
        comment=f"review: {item.label} {verdict} (score {item.score:.2f}, "
                f"threshold {item.threshold:.2f})",
    )
    if correction is None:  # the message vanished between the two reads
        return None
    feedback_id = session.scalar(
        select(func.max(Feedback.id)).where(Feedback.message_pk == item.message_pk,
                                            Feedback.agent == agent)
    )
    session.execute(update(ReviewItem).where(ReviewItem.id == item_id)
                    .values(feedback_id=feedback_id))
    session.commit()
    return Decision(item_id, item.label, verdict, agent, when, correction)


@dataclass(frozen=True)
class CorrectionRecord:
    id: int
    agent: str | None
    created_at: datetime
    previous_labels: list[str]
    labels: list[str]
    comment: str | None
    review_label: str | None
    review_decision: str | None


def corrections(session: Session, tenant_id: int, message_id: str) -> list[CorrectionRecord] | None:
    """A message's corrections, newest first (the audit trail); None when unknown."""
    pk = session.scalar(
        select(Message.id).where(Message.tenant_id == tenant_id, Message.message_id == message_id)
    )
    if pk is None:
        return None
    rows = session.execute(
        select(Feedback, ReviewItem.label, ReviewItem.decision)
        .outerjoin(ReviewItem, ReviewItem.feedback_id == Feedback.id)
        .where(Feedback.message_pk == pk)
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
    ).all()
    return [
        CorrectionRecord(f.id, f.agent, f.created_at, list(f.previous_labels), list(f.labels),
                         f.comment, label, decision)
        for f, label, decision in rows
    ]
