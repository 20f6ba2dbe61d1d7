"""The driver's side of the pipeline: scored rows into the database, one transaction a batch.

Rows are stored and counted by the same code as live ingestion (service.ingest's
`message_row` and `count_message`), so labels, spans, tallies and risk are what the same
messages sent live would have given, and each message counts at its own `sent_at`. The
unique (tenant, message id) constraint makes it idempotent: an id already stored with
the same content is `present` and changes nothing; with other content it is a bad row
(as a 409 would be). A batch commits whole or not at all, so a run killed at any point
leaves only complete batches, and the next run scores what is missing.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from classifier.types import Prediction, Span
from service.backfill.parquet import ParquetSink
from service.backfill.rows import BAD, IGNORED, PRESENT, SCORED, incoming
from service.db.models import Client, Message
from service.db.session import Database
from service.ingest import _insert, count_message, message_row

logger = logging.getLogger(__name__)

RETRIES = 5  # a batch that lost a race (another writer, SQLite busy) is written again


@dataclass(frozen=True)
class BadRow:
    src: str
    reason: str


@dataclass
class Counts:
    read: int = 0
    scored: int = 0
    present: int = 0
    bad: int = 0
    ignored: int = 0

    def add(self, other: Counts) -> None:
        for name in ("read", "scored", "present", "bad", "ignored"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class _Outcome:
    counts: Counts = field(default_factory=Counts)
    bad: list[BadRow] = field(default_factory=list)
    parquet: list[dict[str, Any]] = field(default_factory=list)

    def reject(self, row: dict[str, Any], reason: str) -> None:
        self.counts.bad += 1
        self.bad.append(BadRow(row["src"], reason))


_KNOWN = (Message.message_id, Message.content_hash, Message.labels, Message.scores,
          Message.spans, Message.lang, Message.outside_business_hours, Message.model_name,
          Message.model_version)


def _prediction(row: dict[str, Any], result: dict[str, Any]) -> Prediction:
    return Prediction(
        text=row["text"], labels=list(result["labels"]), scores=dict(result["scores"]),
        spans=[Span(**sp) for sp in result["spans"]], lang=result["lang"],
        outside_business_hours=result["outside_business_hours"],
        ignored_ranges=[(a, b) for a, b in result["ignored_ranges"]],
    )


class Writer:
    """Writes scored batches for one tenant; `counts` and `elapsed` sum up the run."""

    def __init__(self, db: Database, tenant_id: int, half_life_days: float,
                 parquet: ParquetSink | None = None) -> None:
        self.db = db
        self.tenant_id = tenant_id
        self.half_life = half_life_days
        self.parquet = parquet
        self.counts = Counts()

    def write(self, rows: list[dict[str, Any]]) -> list[BadRow]:
        """Store a batch in one transaction; returns its bad rows (already counted)."""
        for attempt in range(1, RETRIES + 1):
            try:
                outcome = self._write_once(rows)
                break
            except (IntegrityError, OperationalError) as exc:
                if attempt == RETRIES:
                    raise
                logger.info("batch of %d rows lost a race (%s); writing it again", len(rows),
                            type(exc).__name__)
                time.sleep(0.05 * attempt)
        self.counts.add(outcome.counts)
        if self.parquet is not None:
            self.parquet.add(outcome.parquet)
        return outcome.bad

    def _clients(self, s: Session, ids: set[str], now: datetime) -> dict[str, int]:
        """Each client's row id, created when new (a write first: SQLite then takes its
        write lock at once, as in service.ingest)."""
        ins = _insert(s)
        for client_id in sorted(ids):
            s.execute(ins(Client).values(
                tenant_id=self.tenant_id, external_id=client_id, message_count=0,
                risk_ref=0.0, first_seen=now, last_seen=now,
            ).on_conflict_do_nothing(index_elements=["tenant_id", "external_id"]))
        found = s.execute(select(Client.external_id, Client.id).where(
            Client.tenant_id == self.tenant_id, Client.external_id.in_(ids)))
        return {external: pk for external, pk in found}

    def _write_once(self, rows: list[dict[str, Any]]) -> _Outcome:
        out = _Outcome()
        out.counts.read = len(rows)
        now = datetime.now(UTC)
        with self.db.session() as s:
            clients = self._clients(s, {r["client_id"] for r in rows if r["status"] == SCORED},
                                    now)
            ids = list({r["message_id"] for r in rows if r["status"] in (SCORED, PRESENT)})
            known = {k.message_id: k for k in s.execute(select(*_KNOWN).where(
                Message.tenant_id == self.tenant_id, Message.message_id.in_(ids)))} if ids else {}
            for row in rows:
                if row["status"] == IGNORED:
                    out.counts.ignored += 1
                elif row["status"] == BAD:
                    out.reject(row, row["reason"])
                else:
                    self._one(s, row, known, clients, now, out)
            s.commit()
        return out

    def _one(self, s: Session, row: dict[str, Any], known: dict[str, Any],
             clients: dict[str, int], now: datetime, out: _Outcome) -> None:
        msg = incoming(row)
        found = known.get(msg.message_id)
        if found is not None:
            if found.content_hash != msg.content_hash():
                out.reject(row, f"message id {msg.message_id!r} was already stored with "
                           "different content")
                return
            out.counts.present += 1
            out.parquet.append({**row, "status": PRESENT, "stored": found})
            return
        if row["status"] == PRESENT:
            out.reject(row, "was stored when it was checked and is gone now (deleted "
                       "meanwhile?); run the backfill again to score it")
            return
        result = json.loads(row["result"])
        stored = message_row(self.tenant_id, clients[msg.client_id], msg,
                             _prediction(row, result), result["thresholds"],
                             result["model_name"], result["model_version"], now)
        s.add(stored)
        s.flush()
        count_message(s, stored, self.half_life, now)
        known[msg.message_id] = stored
        out.counts.scored += 1
        out.parquet.append({**row, "status": SCORED, "stored": stored})
