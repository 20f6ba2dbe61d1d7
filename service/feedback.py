"""Agents' label corrections: applied to the message and the tallies, exported for training."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from service.clock import sender_time
from service.db.models import Client, Feedback, LabelTally, Message, MessageLabel, Tenant
from service.risk import ref_contribution
from service.views import ClientTally, client_tally


@dataclass(frozen=True)
class Correction:
    message_id: str
    previous_labels: list[str]
    labels: list[str]
    tally: ClientTally


def apply_feedback(
    session: Session, tenant_id: int, message_id: str, labels: list[str], half_life: float,
    agent: str | None = None, comment: str | None = None,
) -> Correction | None:
    """Set a stored message's labels and move its counts; None when the message is unknown."""
    new = sorted(set(labels))
    # Write first: locks the row (PostgreSQL) or the database (SQLite) before reading,
    # so two corrections of one message cannot both adjust the tallies from the same state.
    hit = session.execute(
        update(Message)
        .where(Message.tenant_id == tenant_id, Message.message_id == message_id)
        .values(corrected=True)
        .returning(Message.id)
    ).first()
    if hit is None:
        session.rollback()
        return None
    m = session.get(Message, hit[0], populate_existing=True)
    assert m is not None
    old = sorted(set(m.labels))
    removed, added = set(old) - set(new), set(new) - set(old)
    for label in removed:
        session.execute(
            update(LabelTally)
            .where(LabelTally.client_pk == m.client_pk, LabelTally.label == label)
            .values(n=LabelTally.n - 1)
        )
    ins = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for label in added:
        session.execute(
            ins(LabelTally)
            .values(client_pk=m.client_pk, label=label, n=1)
            .on_conflict_do_update(
                index_elements=["client_pk", "label"], set_={"n": LabelTally.n + 1}
            )
        )
    if removed:
        session.execute(
            delete(MessageLabel).where(
                MessageLabel.message_pk == m.id, MessageLabel.label.in_(removed)
            )
        )
    session.add_all(MessageLabel(message_pk=m.id, label=label) for label in added)
    delta = ref_contribution(new, m.event_at, half_life) - ref_contribution(
        old, m.event_at, half_life
    )
    if delta:
        session.execute(
            update(Client).where(Client.id == m.client_pk).values(risk_ref=Client.risk_ref + delta)
        )
    m.labels = new
    session.add(Feedback(tenant_id=tenant_id, message_pk=m.id, previous_labels=old, labels=new,
                         agent=agent, comment=comment))
    session.commit()
    ext = session.scalar(select(Client.external_id).where(Client.id == m.client_pk)) or ""
    return Correction(message_id, old, new, client_tally(session, m.client_pk, ext, half_life))


def feedback_records(session: Session, tenant: str | None = None) -> Iterator[dict[str, object]]:
    """One training record per corrected message, with its latest labels."""
    stmt = (
        select(Message, Tenant.name)
        .join(Tenant, Tenant.id == Message.tenant_id)
        .where(Message.corrected.is_(True))
        .order_by(Message.id)
    )
    if tenant:
        stmt = stmt.where(Tenant.name == tenant)
    for m, tenant_name in session.execute(stmt):
        yield {
            "text": m.text,
            "labels": list(m.labels),
            # On the sender's clock, so training judges business hours as ingest did.
            "sent_at": st.isoformat() if (st := sender_time(m.sent_at, m.sent_utc_offset))
            else None,
            "lang": m.lang,
            "model_labels": list(m.model_labels),
            "message_id": m.message_id,
            "tenant": tenant_name,
            "source": "feedback",
        }


def write_jsonl(records: Iterator[dict[str, object]], out: TextIO) -> int:
    n = 0
    for rec in records:
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        n += 1
    return n
