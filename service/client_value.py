"""Worth keeping? What a client brings (revenue, plan; from the tenant's CRM) against what
they cost to serve (messages, flagged and off-hours shares, corrections), and why the
parting-ways replies are or are not offered for them.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from service.db.models import Client, ClientValue, Feedback, Message, utcnow
from service.reads import find_client
from service.views import ClientTally

logger = logging.getLogger(__name__)

PERIODS = ("month", "year")
PARTING_LEVEL = "consider_parting"
COST_WINDOW_DAYS = 30
MAX_REVENUE = 1e12
MAX_PLAN_CHARS = 100
MAX_IMPORT_ROWS = 20_000
MAX_REPORTED_ERRORS = 200
_AMOUNT = re.compile(r"^\d+(?:[.,]\d{1,2})?$")
_CURRENCY = re.compile(r"^[A-Za-z]{3}$")


@dataclass(frozen=True)
class Value:
    revenue: float | None
    currency: str | None
    period: str
    plan: str | None
    updated_at: datetime


def _value(row: ClientValue) -> Value:
    return Value(row.revenue, row.currency, row.period, row.plan, row.updated_at)


def get_value(session: Session, client_pk: int) -> Value | None:
    row = session.get(ClientValue, client_pk, populate_existing=True)
    return _value(row) if row else None


def _put(session: Session, client_pk: int, revenue: float | None, currency: str | None,
         period: str, plan: str | None) -> None:
    row = session.get(ClientValue, client_pk)
    if row is None:
        row = ClientValue(client_pk=client_pk)
        session.add(row)
    row.revenue = None if revenue is None else round(revenue, 2)
    row.currency = currency.upper() if currency else None
    row.period = period
    row.plan = plan
    row.updated_at = utcnow()


def set_value(session: Session, tenant_id: int, client_id: str, revenue: float | None,
              currency: str | None, period: str, plan: str | None) -> Value | None:
    """Replace the client's value; None when the tenant has no such client."""
    client = find_client(session, tenant_id, client_id)
    if client is None:
        return None
    _put(session, client.id, revenue, currency, period, plan)
    session.commit()
    return get_value(session, client.id)


def clear_value(session: Session, tenant_id: int, client_id: str) -> bool | None:
    """Forget the client's value: True if there was one, None when the client is unknown."""
    client = find_client(session, tenant_id, client_id)
    if client is None:
        return None
    done = session.execute(delete(ClientValue).where(ClientValue.client_pk == client.id))
    session.commit()
    return bool(getattr(done, "rowcount", 0))


# ------------------------------------------------------------------ CSV import


class MalformedCsv(ValueError):
    """The file as a whole cannot be read (not its single rows)."""


@dataclass(frozen=True)
class BadRow:
    line: int
    client_id: str | None
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    applied: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)
    bad_total: int = 0


@dataclass(frozen=True)
class _Parsed:
    line: int
    client_id: str
    revenue: float | None
    currency: str | None
    period: str
    plan: str | None


def _parse_amount(raw: str) -> float:
    text = raw.replace(" ", "").replace("\u00a0", "")
    if not _AMOUNT.match(text):
        raise ValueError(f"revenue {raw!r} is not an amount like 1200 or 1200.50")
    value = float(text.replace(",", "."))
    if value > MAX_REVENUE:
        raise ValueError(f"revenue {raw!r} is too large")
    return value


def _parse_row(line: int, row: dict[str, str | None]) -> _Parsed:
    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    client_id = cell("client_id")
    if not client_id:
        raise ValueError("client_id is empty")
    if len(client_id) > 200:
        raise ValueError("client_id is longer than 200 characters")
    revenue = _parse_amount(cell("revenue")) if cell("revenue") else None
    plan = cell("plan") or None
    if plan and len(plan) > MAX_PLAN_CHARS:
        raise ValueError(f"plan is longer than {MAX_PLAN_CHARS} characters")
    if revenue is None and plan is None:
        raise ValueError("neither revenue nor plan is given")
    currency = cell("currency") or None
    if currency and not _CURRENCY.match(currency):
        raise ValueError(f"currency {currency!r} is not a three-letter code like EUR")
    period = cell("period").lower() or "month"
    if period not in PERIODS:
        raise ValueError(f"period {period!r} must be one of {', '.join(PERIODS)}")
    return _Parsed(line, client_id, revenue, currency, period, plan)


def read_values_csv(data: bytes) -> tuple[list[_Parsed], ImportReport]:
    """Rows of a CRM export (client_id, revenue, plan; optional currency, period).

    Raises MalformedCsv when the file cannot be read at all; bad rows are reported.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MalformedCsv(f"the file is not UTF-8 text (byte {exc.start})") from exc
    if "\x00" in text:
        raise MalformedCsv("the file contains NUL bytes; it is not a CSV text file")
    if not text.strip():
        raise MalformedCsv("the file is empty")
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise MalformedCsv(f"the header line cannot be read: {exc}") from exc
    reader.fieldnames = header
    if "client_id" not in header or not ({"revenue", "plan"} & set(header)):
        raise MalformedCsv("the header must name client_id and revenue and/or plan, e.g. "
                           f"'client_id,revenue,plan'; found {','.join(header) or 'nothing'}")
    report, parsed = ImportReport(), []
    try:
        for row in reader:
            if not any((v or "").strip() for k, v in row.items() if k is not None):
                continue  # blank line
            report.rows += 1
            if report.rows > MAX_IMPORT_ROWS:
                raise MalformedCsv(f"more than {MAX_IMPORT_ROWS} rows; split the file")
            line = reader.line_num
            try:
                if None in row:
                    raise ValueError("more cells than the header has columns")
                parsed.append(_parse_row(line, row))
            except ValueError as exc:
                _bad(report, BadRow(line, (row.get("client_id") or "").strip() or None,
                                    str(exc)))
    except csv.Error as exc:
        raise MalformedCsv(f"line {reader.line_num}: {exc}") from exc
    return parsed, report


def _bad(report: ImportReport, row: BadRow) -> None:
    report.bad_total += 1
    if len(report.bad_rows) < MAX_REPORTED_ERRORS:
        report.bad_rows.append(row)


def import_values(session: Session, tenant_id: int, data: bytes) -> ImportReport:
    """Apply every good row in one transaction; rows for unknown clients are reported."""
    parsed, report = read_values_csv(data)
    ids = sorted({p.client_id for p in parsed})
    known: dict[str, int] = {}
    for i in range(0, len(ids), 500):  # bounded IN lists
        known.update((ext, pk) for ext, pk in session.execute(
            select(Client.external_id, Client.id)
            .where(Client.tenant_id == tenant_id, Client.external_id.in_(ids[i:i + 500]))
        ))
    for p in parsed:
        pk = known.get(p.client_id)
        if pk is None:
            _bad(report, BadRow(p.line, p.client_id, "no such client"))
            continue
        _put(session, pk, p.revenue, p.currency, p.period, p.plan)
        session.flush()
        report.applied += 1
    session.commit()
    report.bad_rows.sort(key=lambda b: b.line)
    logger.info("client values imported for tenant %d: %d applied, %d bad", tenant_id,
                report.applied, report.bad_total)
    return report


# ------------------------------------------------------------------ cost and parting


@dataclass(frozen=True)
class Cost:
    days: int
    messages: int
    flagged: int
    off_hours: int
    corrections: int
    messages_all_time: int

    @property
    def flagged_share(self) -> float:
        return round(self.flagged / self.messages, 4) if self.messages else 0.0

    @property
    def off_hours_share(self) -> float:
        return round(self.off_hours / self.messages, 4) if self.messages else 0.0


def cost_to_serve(session: Session, client: Client, now: datetime,
                  days: int = COST_WINDOW_DAYS) -> Cost:
    """What serving the client took in the last `days` days."""
    since = now - timedelta(days=days)
    rows = session.execute(
        select(Message.labels, Message.outside_business_hours)
        .where(Message.client_pk == client.id, Message.event_at >= since)
    ).all()
    corrections = session.scalar(
        select(func.count()).select_from(Feedback)
        .join(Message, Message.id == Feedback.message_pk)
        .where(Message.client_pk == client.id, Feedback.created_at >= since)
    ) or 0
    return Cost(
        days=days, messages=len(rows), flagged=sum(1 for labels, _ in rows if labels),
        off_hours=sum(1 for _, off in rows if off), corrections=int(corrections),
        messages_all_time=client.message_count,
    )


@dataclass(frozen=True)
class Parting:
    offered: bool
    risk_level: str
    text: str


def parting_reason(tally: ClientTally, cost: Cost) -> Parting:
    """Whether the reply suggester offers the parting-ways step (only at consider_parting,
    see service.replies.suggester.playbook_order), in words the card can show."""
    offered = tally.risk_level == PARTING_LEVEL
    evidence = f"{cost.flagged} flagged of {cost.messages} messages in {cost.days} days"
    if offered:
        text = f"parting-ways replies shown because risk is {PARTING_LEVEL}: {evidence}"
    else:
        text = (f"parting-ways replies not offered: risk is {tally.risk_level} "
                f"(they appear only at {PARTING_LEVEL}); {evidence}")
    return Parting(offered, tally.risk_level, text)
