"""Plain read-side views of stored rows, shared by ingestion, routes and integrations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from classifier.types import LABELS
from service.db.models import Client, LabelTally, Message
from service.risk import current_score, level_for


@dataclass(frozen=True)
class StoredMessage:
    message_id: str
    client_id: str
    text: str
    subject: str | None
    channel: str | None
    sent_at: datetime | None
    received_at: datetime
    labels: list[str]
    model_labels: list[str]
    scores: dict[str, float]
    spans: list[dict[str, Any]]
    ignored_ranges: list[list[int]]
    lang: str | None
    outside_business_hours: bool | None
    model_name: str
    model_version: str
    corrected: bool
    # service.sensitivity.decision_record: the thresholds that decided `model_labels`.
    thresholds: dict[str, Any] | None = None
    # The sender's UTC offset in minutes (sent_at itself is UTC); None: unknown.
    sent_utc_offset: int | None = None


@dataclass(frozen=True)
class ClientTally:
    client_id: str
    messages_seen: int
    counts: dict[str, int] = field(default_factory=dict)  # all-time, per label
    risk_score: float = 0.0
    risk_level: str = "ok"


def stored_message(m: Message, client_id: str) -> StoredMessage:
    return StoredMessage(
        message_id=m.message_id, client_id=client_id, text=m.text, subject=m.subject,
        channel=m.channel, sent_at=m.sent_at, received_at=m.created_at, labels=list(m.labels),
        model_labels=list(m.model_labels), scores=dict(m.scores), spans=list(m.spans),
        ignored_ranges=[list(r) for r in m.ignored_ranges], lang=m.lang,
        outside_business_hours=m.outside_business_hours, model_name=m.model_name,
        model_version=m.model_version, corrected=m.corrected,
        thresholds=dict(m.thresholds) if m.thresholds else None,
        sent_utc_offset=m.sent_utc_offset,
    )


def client_tally(
    session: Session, client_pk: int, client_id: str, half_life_days: float,
    now: datetime | None = None,
) -> ClientTally:
    client = session.get(Client, client_pk, populate_existing=True)
    if client is None:
        return ClientTally(client_id=client_id, messages_seen=0,
                           counts=dict.fromkeys(LABELS, 0))
    counts = dict.fromkeys(LABELS, 0)
    for label, n in session.execute(
        select(LabelTally.label, LabelTally.n).where(LabelTally.client_pk == client_pk)
    ):
        counts[label] = n
    score = current_score(client.risk_ref, now or datetime.now(UTC), half_life_days)
    return ClientTally(
        client_id=client_id, messages_seen=client.message_count, counts=counts,
        risk_score=round(score, 4), risk_level=level_for(score),
    )
