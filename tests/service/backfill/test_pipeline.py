"""The whole pipeline on Ray with the tiny model: every format, once, at its own time."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from sqlalchemy import select

from service.backfill.pipeline import Options, run
from service.db.models import Client, LabelTally, Message
from service.integrity import check_tallies
from service.risk import ref_contribution
from service.tenants import set_business_hours
from tests.service.backfill.conftest import Recorder, tenant, write_history
from tests.service.backfill.test_readers import MAIL

BERLIN = {"timezone": "Europe/Berlin", "holidays": [],
          "weekly": {d: [["09:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}}


def _inputs(tmp_path: Path) -> list[Path]:
    history = write_history(tmp_path / "history.jsonl", 60)
    with history.open("a", encoding="utf-8") as fh:
        # 19:30 on the sender's clock but 17:30 in Berlin: inside the tenant's hours.
        fh.write(json.dumps({"id": "berlin-in", "client": "zoe", "text": "Answer me now!",
                             "sent_at": "2025-03-04T19:30:00+03:00"}) + "\n")
        fh.write(json.dumps({"id": "berlin-out", "client": "zoe", "text": "Answer me now!",
                             "sent_at": "2025-03-04T21:30:00+03:00"}) + "\n")
        fh.write("not json\n")
    csv = tmp_path / "more.csv"
    csv.write_text("id,client,text,sent_at\nc1,zoe,Refund me today,2025-02-01T10:00:00Z\n"
                   "c2,zoe,,2025-02-01T10:00:00Z\n", encoding="utf-8")
    (tmp_path / "mail.mbox").write_bytes(MAIL)
    chatwoot = tmp_path / "chatwoot"
    chatwoot.mkdir()
    (chatwoot / "messages-1.json").write_text(json.dumps({"meta": {"contact": {"id": 4}},
        "payload": [{"id": 1, "account_id": 2, "message_type": 0, "content": "Hello?!",
                     "created_at": 1740000000, "sender_type": "Contact", "sender_id": 4},
                    {"id": 2, "account_id": 2, "message_type": 1, "content": "Hi",
                     "created_at": 1740000100, "sender_type": "User", "sender_id": 1}]}))
    zammad = tmp_path / "zammad"
    zammad.mkdir()
    (zammad / "tickets.json").write_text(json.dumps([{"id": 8, "title": "T", "customer_id": 3,
        "articles": [{"id": 80, "ticket_id": 8, "sender": "Customer", "internal": False,
                      "body": "Where is it?", "created_at": "2025-02-02T12:00:00Z"}]}]))
    return [history, csv, tmp_path / "mail.mbox", chatwoot, zammad]


def _tallies(db: Any) -> dict[str, Any]:
    with db.session() as s:
        clients = {c.id: (c.external_id, c.message_count, c.risk_ref)
                   for c in s.scalars(select(Client))}
        counts = {(clients[t.client_pk][0], t.label): t.n for t in s.scalars(select(LabelTally))}
    return {"clients": sorted(clients.values()), "counts": counts}


def test_backfill_every_format_once_at_its_own_time(ray_session: None, tenant_settings: Any,
                                                    migrated_db: Any, tmp_path: Path) -> None:
    settings, db = tenant_settings, migrated_db
    acme = tenant(db)
    with db.session() as s:
        set_business_hours(s, acme.id, BERLIN)
    acme = tenant(db)
    inputs, out = _inputs(tmp_path), tmp_path / "out" / "results.parquet"
    shown = Recorder()
    summary = run(settings, db, acme, Options(inputs=inputs, parquet=out, batch_size=16), shown)

    c = summary.counts
    assert (c.read, c.scored, c.present, c.bad, c.ignored) == (69, 66, 0, 2, 1)
    assert shown.total == 69 and shown.rows == 69
    assert sorted((b.src, b.reason) for b in shown.bad) == [
        (f"{inputs[0]}:63", "not valid JSON (Expecting value at column 1)"),
        (f"{inputs[1]}:3", "text is missing")]
    with db.session() as s:
        assert check_tallies(s, settings.risk_half_life_days) == []
        stored = s.scalars(select(Message)).all()
        assert len(stored) == 66
        for m in stored:  # each message counts at its own send time
            assert m.event_at == m.sent_at
        by_id = {m.message_id: m for m in stored}
        assert by_id["berlin-in"].outside_business_hours is False
        assert by_id["berlin-out"].outside_business_hours is True
        assert by_id["berlin-in"].sent_utc_offset == 180
        for client in s.scalars(select(Client)):
            expected = sum(ref_contribution(m.labels, m.sent_at, settings.risk_half_life_days)
                           for m in stored if m.client_pk == client.id)
            assert math.isclose(client.risk_ref, expected, rel_tol=1e-9, abs_tol=1e-12)
    results = pq.read_table(out).to_pylist()
    assert sorted(r["message_id"] for r in results) == sorted(by_id)
    assert {r["status"] for r in results} == {"scored"}
    assert not out.with_name(out.name + ".partial").exists()
    before = _tallies(db)

    conflict = tmp_path / "conflict.jsonl"
    conflict.write_text(json.dumps({"id": "m0", "client": "client-0", "text": "Other words",
                                    "sent_at": "2025-01-06T08:00:00+03:00"}) + "\n")
    shown = Recorder()
    again = run(settings, db, acme, Options(inputs=[*inputs, conflict], parquet=out,
                                            batch_size=16), shown)
    assert (again.counts.scored, again.counts.present, again.counts.bad) == (0, 66, 3)
    assert (f"{conflict}:1", "message id 'm0' was already stored with different content") in [
        (b.src, b.reason) for b in shown.bad]
    assert _tallies(db) == before
    results = pq.read_table(out).to_pylist()
    assert len(results) == 66 and {r["status"] for r in results} == {"present"}
