"""Trends and export: a client's flags per week and label, and every client as CSV rows
(risk, counts and value) for a spreadsheet or the tenant's CRM.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from classifier.types import LABELS
from service.db.models import Client, ClientValue, LabelTally, Message, MessageLabel
from service.risk import current_score, level_for

EXPORT_PAGE = 1000
# Spreadsheets run cells that start with these as formulas; such text gets a leading '.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Week:
    start: date  # Monday, in the tenant's time zone
    messages: int
    flagged: int
    counts: dict[str, int]


def weekly_trend(session: Session, client_pk: int, now: datetime, weeks: int,
                 tz: tzinfo | None = None) -> list[Week]:
    """Messages, flagged messages and flags per label for each of the last `weeks` weeks,
    oldest first; weeks run Monday to Sunday on the tenant's clock."""
    today = now.astimezone(tz).date() if tz else now.date()
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    # One day of margin: the local date of a UTC instant may be a day earlier.
    since = datetime.combine(first, datetime.min.time(), tzinfo=now.tzinfo) - timedelta(days=1)
    per_week: dict[date, Counter[str]] = {}
    for event_at, labels in session.execute(
        select(Message.event_at, Message.labels)
        .where(Message.client_pk == client_pk, Message.event_at >= since)
    ):
        local = event_at.astimezone(tz).date() if tz else event_at.date()
        monday = local - timedelta(days=local.weekday())
        if monday < first:
            continue
        c = per_week.setdefault(monday, Counter())
        c["\x00messages"] += 1
        if labels:
            c["\x00flagged"] += 1
            c.update(labels)
    out = []
    for i in range(weeks):
        start = first + timedelta(weeks=i)
        c = per_week.get(start, Counter())
        out.append(Week(start, c["\x00messages"], c["\x00flagged"],
                        {label: c.get(label, 0) for label in LABELS}))
    return out


EXPORT_COLUMNS = (
    "client_id", "risk_level", "risk_score", "messages", "flagged_messages", *LABELS,
    "first_seen", "last_seen", "revenue", "currency", "period", "plan",
)


def _safe(text: str | None) -> str:
    if not text:
        return ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def export_rows(session: Session, tenant_id: int, now: datetime,
                half_life: float) -> Iterator[list[str]]:
    """One row per client, riskiest first; read a page at a time."""
    offset = 0
    while True:
        page = session.execute(
            select(Client, ClientValue)
            .outerjoin(ClientValue, ClientValue.client_pk == Client.id)
            .where(Client.tenant_id == tenant_id)
            .order_by(Client.risk_ref.desc(), Client.last_seen.desc(), Client.id)
            .limit(EXPORT_PAGE).offset(offset)
        ).all()
        if not page:
            return
        pks = [c.id for c, _ in page]
        counts: dict[int, dict[str, int]] = {pk: {} for pk in pks}
        for pk, label, n in session.execute(
            select(LabelTally.client_pk, LabelTally.label, LabelTally.n)
            .where(LabelTally.client_pk.in_(pks))
        ):
            counts[pk][label] = n
        flagged: dict[int, int] = {pk: n for pk, n in session.execute(
            select(Message.client_pk, func.count(distinct(MessageLabel.message_pk)))
            .join(MessageLabel, MessageLabel.message_pk == Message.id)
            .where(Message.client_pk.in_(pks))
            .group_by(Message.client_pk)
        )}
        for client, value in page:
            score = current_score(client.risk_ref, now, half_life)
            yield [
                _safe(client.external_id), level_for(score), f"{score:.4f}",
                str(client.message_count), str(flagged.get(client.id, 0)),
                *(str(counts[client.id].get(label, 0)) for label in LABELS),
                client.first_seen.isoformat(), client.last_seen.isoformat(),
                _number(value.revenue) if value else "",
                (value.currency or "") if value else "",
                value.period if value else "",
                _safe(value.plan) if value else "",
            ]
        offset += len(page)


def export_csv(session: Session, tenant_id: int, now: datetime,
               half_life: float) -> Iterator[str]:
    """The export as CSV text chunks: a header, then a chunk per page of clients."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for i, row in enumerate(export_rows(session, tenant_id, now, half_life)):
        writer.writerow(row)
        if i % EXPORT_PAGE == EXPORT_PAGE - 1:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()
