"""Every input format to rows: good rows, bad rows with their line and reason, ignored rows."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from service.backfill.readers import InputError, Unit, count_unit, plan, read_unit
from service.backfill.rows import BAD, IGNORED, OK, Limits

LIMITS = Limits(classify_chars=2000, store_chars=5000)


def _rows(fmt: str, path: Path) -> list[dict]:
    unit = Unit(fmt, path)
    rows = list(read_unit(unit, LIMITS))
    assert count_unit(unit) == len(rows)  # the progress bar's total is exact
    return rows


def _by_status(rows: list[dict], status: str) -> list[dict]:
    return [r for r in rows if r["status"] == status]


def test_jsonl_rows_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    lines = [
        json.dumps({"id": 1, "client": "anna@x.ru", "text": "Где заказ?!",
                    "sent_at": "2025-03-01T23:40:00+03:00", "channel": "email"}),
        "",
        "{not json",
        json.dumps({"id": "2", "client": "bob", "text": "   ", "sent_at": "2025-03-01"}),
        json.dumps({"id": "3", "client": "bob", "text": "hi", "sent_at": "yesterday"}),
        json.dumps(["a list"]),
        json.dumps({"message_id": "4", "client_id": "bob", "text": "Refund me now",
                    "sent_at": 1740000000}),
        json.dumps({"id": "5", "client": "bob", "text": "no time"}),
        json.dumps({"id": "6", "client": "x" * 201, "text": "long id", "sent_at": 1740000000}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = _rows("jsonl", path)
    good = _by_status(rows, OK)
    assert [(r["message_id"], r["client_id"], r["sent_at"]) for r in good] == [
        ("1", "anna@x.ru", "2025-03-01T23:40:00+03:00"),
        ("4", "bob", datetime.fromtimestamp(1740000000, UTC).isoformat())]
    assert good[0]["channel"] == "email" and good[0]["text"] == "Где заказ?!"
    bad = {r["src"]: r["reason"] for r in _by_status(rows, BAD)}
    assert bad[f"{path}:3"].startswith("not valid JSON")
    assert bad[f"{path}:4"] == "text must not be empty"
    assert "sent_at" in bad[f"{path}:5"]
    assert bad[f"{path}:6"] == "the line is not a JSON object"
    assert "sent_at is missing" in bad[f"{path}:8"]
    assert "longer than 200" in bad[f"{path}:9"]
    assert len(rows) == 8  # the blank line is no record


def test_csv_reports_the_line_a_record_starts_on(tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    path.write_text(
        "id;client;text;sent_at;channel\n"
        "a1;anna;\"Line one\nline two\";2025-03-01T10:00:00+01:00;chat\n"
        "a2;anna;too;many;cells;here\n"
        "\n"
        "a3;bob;Fine;2025-03-02 09:00:00 UTC;\n",
        encoding="utf-8")
    rows = _rows("csv", path)
    assert [(r["src"], r["status"]) for r in rows] == [
        (f"{path}:2", OK), (f"{path}:4", BAD), (f"{path}:6", OK)]
    assert rows[0]["text"] == "Line one\nline two" and rows[0]["channel"] == "chat"
    assert rows[1]["reason"] == "6 cells where the header has 5"
    assert rows[2]["sent_at"] == "2025-03-02T09:00:00+00:00" and rows[2]["channel"] is None


def test_csv_without_a_required_column_is_refused_before_any_work(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("id,client,body\n1,a,hello\n", encoding="utf-8")
    with pytest.raises(InputError, match="no column text, sent_at"):
        count_unit(Unit("csv", path))


def test_parquet_rows_by_number_with_timestamp_columns(tmp_path: Path) -> None:
    path = tmp_path / "h.parquet"
    pq.write_table(pa.table({
        "id": ["p1", "p2", None],
        "client": ["anna", "bob", "carl"],
        "text": ["Answer me now!", "thanks", "orphan"],
        "sent_at": pa.array([datetime(2025, 1, 4, 22, 0, tzinfo=UTC),
                             datetime(2025, 1, 6, 10, 0), datetime(2025, 1, 6, 10, 0)],
                            pa.timestamp("us", tz=None)),
    }), path)
    rows = _rows("parquet", path)
    assert [r["status"] for r in rows] == [OK, OK, BAD]
    assert rows[0]["sent_at"] == "2025-01-04T22:00:00+00:00"
    assert rows[2]["src"] == f"{path}:row 3" and rows[2]["reason"] == "id is missing"


MAIL = (b"From anna@x.ru Sat Mar  1 23:40:00 2025\n"
        b"From: Anna <anna@x.ru>\nTo: support@shop.example\nSubject: Order\n"
        b"Date: Sat, 01 Mar 2025 23:40:00 +0300\nMessage-ID: <m1@x.ru>\n\n"
        b"Where is my order?\n>From the start you lied.\n\n")


def test_mbox_messages_parse_like_raw_email(tmp_path: Path) -> None:
    path = tmp_path / "archive.mbox"
    broken = b"From bob Sat Mar  1 23:40:00 2025\nFrom: bob@y.org\nSubject: x\n\nno date\n\n"
    path.write_bytes(MAIL + broken + MAIL.replace(b"m1@", b"m2@"))
    rows = _rows("mbox", path)
    assert [(r["src"], r["status"]) for r in rows] == [
        (f"{path}:1", OK), (f"{path}:11", BAD), (f"{path}:17", OK)]
    first = rows[0]
    assert (first["message_id"], first["client_id"], first["channel"]) == (
        "m1@x.ru", "anna@x.ru", "email")
    assert first["sent_at"] == "2025-03-01T23:40:00+03:00" and first["subject"] == "Order"
    assert "From the start you lied." in first["text"]  # mboxrd: one '>' removed
    assert rows[1]["reason"] == "Date: header Date is missing"
    assert plan([path]) == [Unit("mbox", path)]


def _write_pages(folder: Path, pages: dict[str, object]) -> Path:
    folder.mkdir()
    for name, page in pages.items():
        (folder / name).write_text(json.dumps(page), encoding="utf-8")
    return folder


def _cw_message(mid: int, mtype: int, content: str | None, sender_type: str = "Contact",
                private: bool = False) -> dict:
    return {"id": mid, "content": content, "account_id": 7, "conversation_id": 3,
            "message_type": mtype, "created_at": 1740869000 + mid, "private": private,
            "sender_type": sender_type, "sender_id": 42 if sender_type == "Contact" else 5}


def test_chatwoot_pages_keep_only_the_contacts_incoming_messages(tmp_path: Path) -> None:
    conversations = {"data": {"meta": {"all_count": 1}, "payload": [{
        "id": 3, "account_id": 7, "inbox_id": 1, "meta": {"sender": {"id": 42}},
        "additional_attributes": {"mail_subject": "Refund"},
        "messages": [_cw_message(10, 0, "Refund me today!")]}]}}
    messages = {"meta": {"contact": {"id": 42}, "additional_attributes": {
        "mail_subject": "Refund"}}, "payload": [
        _cw_message(10, 0, "Refund me today!"),
        _cw_message(11, 1, "We are on it", sender_type="User"),
        _cw_message(12, 0, "internal", private=True),
        _cw_message(13, 0, None),
        _cw_message(14, 2, "Conversation resolved", sender_type="User"),
        {"id": 15, "message_type": 0, "content": "no account", "created_at": 1740869000},
    ]}
    folder = _write_pages(tmp_path / "chatwoot", {"conversations-page-1.json": conversations,
                                                  "conversation-3-messages.json": messages,
                                                  "broken.json": {"hello": 1}})
    assert plan([folder]) == [Unit("chatwoot", folder)]
    rows = _rows("chatwoot", folder)
    good = _by_status(rows, OK)
    assert [(r["message_id"], r["client_id"], r["channel"]) for r in good] == [
        ("chatwoot:7:10", "chatwoot:7:42", "chatwoot")] * 2  # the same id: stored once
    assert [r["subject"] for r in good] == ["Refund", "Refund"]
    assert len(_by_status(rows, IGNORED)) == 4
    bad = {r["src"]: r["reason"] for r in _by_status(rows, BAD)}
    assert bad == {f"{folder / 'broken.json'}": "not a Chatwoot conversations or messages page",
                   f"{folder / 'conversation-3-messages.json'}: payload[5]":
                       "account: must be a JSON object"}


def test_zammad_pages_keep_only_customer_articles(tmp_path: Path) -> None:
    ticket = {"id": 5, "number": "22005", "title": "Order 777", "customer_id": 9}
    embedded = [{**ticket, "articles": [
        {"id": 50, "ticket_id": 5, "sender": "Customer", "internal": False,
         "content_type": "text/html", "body": "<p>Where is <b>my</b> order?!</p>",
         "created_at": "2025-03-01T20:40:00.000Z"},
        {"id": 51, "ticket_id": 5, "sender": "Agent", "internal": False,
         "content_type": "text/plain", "body": "Soon", "created_at": "2025-03-02T08:00:00Z"},
    ]}]
    tickets = [{"id": 6, "title": "Invoice", "customer_id": 11}]
    articles = [
        {"id": 60, "ticket_id": 6, "sender_id": 2, "internal": False, "content_type":
         "text/plain", "body": "Pay me back now", "created_at": "2025-03-03T09:00:00Z"},
        {"id": 61, "ticket_id": 6, "sender_id": 2, "internal": True, "content_type":
         "text/plain", "body": "note", "created_at": "2025-03-03T09:00:00Z"},
        {"id": 62, "ticket_id": 99, "sender_id": 2, "internal": False, "body": "lost",
         "created_at": "2025-03-03T09:00:00Z"},
    ]
    assets = {"tickets": [7], "assets": {
        "Ticket": {"7": {"id": 7, "title": "Other", "customer_id": 12}},
        "TicketArticle": {"70": {"id": 70, "ticket_id": 7, "sender": "Customer",
                                 "internal": False, "content_type": "text/plain",
                                 "body": "Third time I write!",
                                 "created_at": "2025-03-04T09:00:00Z"}}}}
    folder = _write_pages(tmp_path / "zammad", {"page-1.json": embedded,
                                                "page-2.json": articles,
                                                "page-10.json": tickets,
                                                "search.json": assets})
    assert plan([folder]) == [Unit("zammad", folder)]
    rows = _rows("zammad", folder)
    good = {r["message_id"]: r for r in _by_status(rows, OK)}
    assert {k: (r["client_id"], r["subject"]) for k, r in good.items()} == {
        "zammad:50": ("zammad:9", "Order 777"), "zammad:60": ("zammad:11", "Invoice"),
        "zammad:70": ("zammad:12", "Other")}
    assert good["zammad:50"]["text"] == "Where is my order?!"
    assert len(_by_status(rows, IGNORED)) == 2  # the agent's reply, the internal note
    [lost] = _by_status(rows, BAD)
    assert lost["src"] == f"{folder / 'page-2.json'}: [2]" and "ticket 99" in lost["reason"]


def test_plan_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(InputError, match="unknown format"):
        plan([tmp_path / "notes.txt"])
    with pytest.raises(InputError, match="no such file"):
        plan([tmp_path / "missing.jsonl"])
    with pytest.raises(InputError, match="unknown format 'xml'"):
        plan([tmp_path], "xml")
    (tmp_path / "a.jsonl").write_text("", encoding="utf-8")
    assert plan([tmp_path], "jsonl") == [Unit("jsonl", tmp_path / "a.jsonl")]
