"""`toneguard db check`: recompute tallies from the stored messages, report and repair drift.

Tallies are kept exact by the write path; this exists for recovery after crashes,
manual edits or restores, and as an independent check in the load tests.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.db.models import Client, LabelTally, Message, MessageLabel
from service.risk import ref_contribution

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Drift:
    tenant_id: int
    client_id: str
    field: str
    stored: float
    actual: float


def check_tallies(session: Session, half_life: float, repair: bool = False) -> list[Drift]:
    """Differences between stored tallies and the messages; fixed in place when `repair`."""
    drifts: list[Drift] = []
    for client in session.scalars(select(Client).order_by(Client.id)).all():
        msgs = session.execute(
            select(Message.id, Message.labels, Message.event_at).where(
                Message.client_pk == client.id
            )
        ).all()
        counts: Counter[str] = Counter()
        ref = 0.0
        for _id, labels, event_at in msgs:
            counts.update(set(labels))
            ref += ref_contribution(labels, event_at, half_life)
        stored = dict(
            session.execute(
                select(LabelTally.label, LabelTally.n).where(LabelTally.client_pk == client.id)
            ).all()
        )
        found: list[Drift] = []
        if client.message_count != len(msgs):
            found.append(Drift(client.tenant_id, client.external_id, "messages_seen",
                               client.message_count, len(msgs)))
        for label in sorted(set(stored) | set(counts)):
            if stored.get(label, 0) != counts.get(label, 0):
                found.append(Drift(client.tenant_id, client.external_id, f"count:{label}",
                                   stored.get(label, 0), counts.get(label, 0)))
        if not math.isclose(client.risk_ref, ref, rel_tol=1e-6, abs_tol=1e-9):
            found.append(Drift(client.tenant_id, client.external_id, "risk", client.risk_ref, ref))
        labels_rows = {
            (pk, lab) for pk, lab in session.execute(
                select(MessageLabel.message_pk, MessageLabel.label)
                .join(Message, Message.id == MessageLabel.message_pk)
                .where(Message.client_pk == client.id)
            )
        }
        expected_rows = {(mid, lab) for mid, labels, _ in msgs for lab in set(labels)}
        if labels_rows != expected_rows:
            found.append(Drift(client.tenant_id, client.external_id, "label_index",
                               len(labels_rows), len(expected_rows)))
        if found and repair:
            _repair(session, client, len(msgs), counts, ref, expected_rows)
        drifts.extend(found)
    if repair:
        session.commit()
    return drifts


def _repair(
    session: Session, client: Client, n: int, counts: Counter[str], ref: float,
    label_rows: set[tuple[int, str]],
) -> None:
    client.message_count = n
    client.risk_ref = ref
    session.execute(delete(LabelTally).where(LabelTally.client_pk == client.id))
    session.add_all(LabelTally(client_pk=client.id, label=lab, n=c) for lab, c in counts.items())
    ids = select(Message.id).where(Message.client_pk == client.id).scalar_subquery()
    session.execute(delete(MessageLabel).where(MessageLabel.message_pk.in_(ids)))
    session.add_all(MessageLabel(message_pk=pk, label=lab) for pk, lab in sorted(label_rows))
    logger.warning("repaired tallies of client %s", client.external_id)
