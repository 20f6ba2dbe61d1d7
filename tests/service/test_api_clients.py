"""Client card, risk-sorted list, erasure, feedback, and tenant isolation."""

from __future__ import annotations

from datetime import date

from tests.service.helpers import ingest, iso, set_labels, zero_counts


def _flag(api, mid, cid, labels, days_ago=0.0, text=None, hour=None, key=None):
    ingest(api, mid, cid, key=key, sent_at=iso(days_ago, hour), text=text)
    set_labels(api, mid, labels, key=key)


def test_client_card_counts_windows_reasons_evidence_timeline(api):
    _flag(api, "old", "c", ["threat"], days_ago=45, text="I will see you in court.")
    _flag(api, "t1", "c", ["threat"], days_ago=20, text="My lawyer will sue you.")
    _flag(api, "t2", "c", ["threat"], days_ago=3, text="See you in court, my lawyer is ready.")
    _flag(api, "a1", "c", ["aggression"], days_ago=1)
    _flag(api, "n1", "c", ["off_hours_pressure"], days_ago=2, hour=2)
    ingest(api, "calm", "c", sent_at=iso(0.5))
    set_labels(api, "calm", [])

    r = api.get("/v1/clients/c")
    assert r.status_code == 200, r.text
    card = r.json()
    assert card["messages_seen"] == 6
    assert card["counts"] == zero_counts() | {"threat": 3, "aggression": 1,
                                              "off_hours_pressure": 1}
    assert card["counts_30d"] == zero_counts() | {"threat": 2, "aggression": 1,
                                                  "off_hours_pressure": 1}
    assert card["counts_7d"] == zero_counts() | {"threat": 1, "aggression": 1,
                                                 "off_hours_pressure": 1}
    assert [e["message_id"] for e in card["evidence"]] == ["a1", "n1", "t2", "t1", "old"]
    assert card["risk_level"] in {"watch", "difficult", "consider_parting"}
    assert card["risk_score"] > 0
    # Spans are the model's; the reasons read the spans' words only for the legal wording.
    codes = {reason["code"] for reason in card["reasons"]}
    assert "aggression" in codes and {"threat", "legal_threat"} & codes
    assert any("demanding an immediate answer" in reason["text"] for reason in card["reasons"])
    timeline = card["timeline"]
    assert len(timeline) == 30
    assert date.fromisoformat(timeline[-1]["date"]) >= date.fromisoformat(timeline[0]["date"])
    assert sum(day["flagged"] for day in timeline) == 4
    assert sum(day["counts"]["threat"] for day in timeline) == 2


def test_risk_decays_and_list_is_sorted_by_it(api):
    _flag(api, "x1", "recent-threat", ["threat"], days_ago=0)
    _flag(api, "y1", "old-threats", ["threat"], days_ago=60)
    _flag(api, "y2", "old-threats", ["threat"], days_ago=61)
    _flag(api, "z1", "angry", ["threat", "aggression"], days_ago=0)
    _flag(api, "z2", "angry", ["threat"], days_ago=0)
    _flag(api, "z3", "angry", ["aggression", "unreasonable_demand"], days_ago=0)
    ingest(api, "w1", "calm")
    set_labels(api, "w1", [])

    page = api.get("/v1/clients").json()
    order = [c["client_id"] for c in page["items"]]
    assert order == ["angry", "recent-threat", "old-threats", "calm"]
    levels = {c["client_id"]: c["risk_level"] for c in page["items"]}
    assert levels == {"angry": "difficult", "recent-threat": "watch", "old-threats": "ok",
                      "calm": "ok"}
    assert page["items"][2]["risk_score"] < 1.0  # two threats, two months ago: decayed
    ok = api.get("/v1/clients", params={"risk_level": "ok"}).json()
    assert {c["client_id"] for c in ok["items"]} == {"old-threats", "calm"}
    paged = api.get("/v1/clients", params={"limit": 1, "offset": 1}).json()
    assert paged["total"] == 4 and paged["items"][0]["client_id"] == "recent-threat"


def test_feedback_moves_tallies_and_is_exported(api):
    ingest(api, "f1", "c", text="You people are useless.")
    first = set_labels(api, "f1", ["aggression"])
    assert first["labels"] == ["aggression"]
    assert first["tally"]["counts"]["aggression"] == 1
    second = set_labels(api, "f1", ["threat", "aggression"])
    assert second["previous_labels"] == ["aggression"]
    assert second["tally"]["counts"] == zero_counts() | {"aggression": 1, "threat": 1}
    third = set_labels(api, "f1", [])
    assert third["tally"]["counts"] == zero_counts()
    assert third["tally"]["risk_score"] == 0
    detail = api.get("/v1/messages/f1").json()
    assert detail["labels"] == [] and detail["corrected"] is True

    from service.feedback import feedback_records

    with api.services.db.session() as s:
        records = list(feedback_records(s))
    assert len(records) == 1
    assert records[0]["text"] == "You people are useless." and records[0]["labels"] == []


def test_feedback_validation(api):
    ingest(api, "f2")
    assert api.post("/v1/feedback", {"message_id": "f2", "labels": ["rude"]}).status_code == 422
    assert api.post("/v1/feedback", {"message_id": "nope", "labels": []}).status_code == 404


def test_delete_client_erases_messages_and_tally(api):
    ingest(api, "e1", "gone")
    ingest(api, "e2", "gone")
    set_labels(api, "e2", ["threat"])
    ingest(api, "k1", "kept")
    r = api.delete("/v1/clients/gone")
    assert r.status_code == 200 and r.json() == {"client_id": "gone", "deleted_messages": 2}
    assert api.get("/v1/clients/gone").status_code == 404
    assert api.get("/v1/messages/e1").status_code == 404
    assert api.get("/v1/messages").json()["total"] == 1
    assert api.delete("/v1/clients/gone").status_code == 404
    # The id can be used again afterwards and starts from zero.
    assert ingest(api, "e1", "gone")["tally"]["messages_seen"] == 1


def test_tenant_isolation_is_404(api):
    ingest(api, "secret-msg", "secret-client", key=api.key_b)
    set_labels(api, "secret-msg", ["threat"], key=api.key_b)
    assert api.get("/v1/clients/secret-client").status_code == 404
    assert api.get("/v1/messages/secret-msg").status_code == 404
    assert api.delete("/v1/clients/secret-client").status_code == 404
    fb = api.post("/v1/feedback", {"message_id": "secret-msg", "labels": []})
    assert fb.status_code == 404
    assert api.get("/v1/clients").json()["total"] == 0
    assert api.get("/v1/messages").json()["total"] == 0
    # Tenant B still sees its untouched data.
    card = api.get("/v1/clients/secret-client", key=api.key_b).json()
    assert card["counts"]["threat"] == 1 and card["messages_seen"] == 1


def test_tenant_business_hours_settings(api):
    r = api.get("/v1/tenant")
    assert r.status_code == 200 and r.json()["business_hours_is_default"] is True
    hours = {"timezone": "Europe/Moscow", "weekly": {"mon": [["10:00", "19:00"]]},
             "holidays": ["2027-01-01"]}
    put = api.client.put("/v1/tenant/business-hours", json=hours, headers=api.h())
    assert put.status_code == 200, put.text
    got = api.get("/v1/tenant").json()
    assert got["business_hours"]["timezone"] == "Europe/Moscow"
    assert got["business_hours"]["weekly"]["mon"] == [["10:00", "19:00"]]
    # Sunday 12:00 Moscow is outside this schedule.
    res = api.post("/v1/classify", {"messages": [{"text": "Hello?",
                                                  "sent_at": "2026-11-22T12:00:00+03:00"}]})
    assert res.json()["results"][0]["outside_business_hours"] is True
    assert api.get("/v1/tenant", key=api.key_b).json()["business_hours_is_default"] is True
    bad = api.client.put("/v1/tenant/business-hours",
                         json={"weekly": {"mon": [["19:00", "10:00"]]}}, headers=api.h())
    assert bad.status_code == 422


def _sender_time(days_ago: int, hour: int, minute: int, offset_hours: int) -> str:
    from datetime import UTC, datetime, timedelta, timezone

    zone = timezone(timedelta(hours=offset_hours))
    day = datetime.now(UTC).astimezone(zone) - timedelta(days=days_ago)
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0).isoformat()


def test_last_message_is_the_send_time_not_the_arrival(api):
    sent = _sender_time(3, 10, 15, 3)
    ingest(api, "late-sync", "synced", sent_at=sent)
    row = api.get("/v1/clients", params={"q": "synced"}).json()["items"][0]
    last = row["last_message"]
    assert last["message_id"] == "late-sync" and last["sent_utc_offset"] == 180
    from datetime import datetime

    assert datetime.fromisoformat(last["sent_at"]) == datetime.fromisoformat(sent)
    assert api.get("/v1/clients/synced").json()["last_message"]["message_id"] == "late-sync"


def test_client_search_is_partial_and_ignores_case(api):
    for mid, cid in (("q1", "Anna.Petrova@Example.com"), ("q2", "bob@example.com"),
                     ("q3", "Иванов")):
        ingest(api, mid, cid)
    ids = [c["client_id"] for c in api.get("/v1/clients", params={"q": "PETROV"}).json()["items"]]
    assert ids == ["Anna.Petrova@Example.com"]
    page = api.get("/v1/clients", params={"q": "иван"}).json()
    assert [c["client_id"] for c in page["items"]] == ["Иванов"] and page["total"] == 1


def test_night_and_timeline_follow_the_senders_clock(api):
    from datetime import UTC, datetime

    # 00:30 in Moscow is 21:30 UTC the day before: night and the next day for the sender.
    sent = _sender_time(2, 0, 30, 3)
    ingest(api, "after-midnight", "msk", sent_at=sent)
    set_labels(api, "after-midnight", ["off_hours_pressure"])
    card = api.get("/v1/clients/msk").json()
    assert [r["code"] for r in card["reasons"]] == ["night_pressure"]
    flagged = [d["date"] for d in card["timeline"] if d["flagged"]]
    local_day = datetime.fromisoformat(sent).date()
    assert local_day != datetime.fromisoformat(sent).astimezone(UTC).date()
    assert flagged == [local_day.isoformat()]
    assert card["evidence"][0]["sent_utc_offset"] == 180

    # 23:40 in Moscow (20:40 UTC) is night too; 20:40 in UTC would not be.
    ingest(api, "late-evening", "msk2", sent_at=_sender_time(2, 23, 40, 3))
    set_labels(api, "late-evening", ["off_hours_pressure"])
    assert [r["code"] for r in api.get("/v1/clients/msk2").json()["reasons"]] == [
        "night_pressure"]


QUOTING_EMAIL = (
    "From: Dana Client <dana@example.com>\r\n"
    "To: support@example.net\r\n"
    "Subject: Re: refund\r\n"
    "Date: {date}\r\n"
    "Message-ID: <quoted-insult-1@example.com>\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "I asked for a refund on Monday.\r\n"
    "> You are stupid idiots and I will sue you, wrote my brother.\r\n"
    "And I am still waiting for it.\r\n"
)


def test_evidence_quotes_only_the_clients_own_words(api):
    from datetime import datetime
    from email.utils import format_datetime

    from classifier.email_cleanup import clean_message
    from service.db.models import Message

    sent = format_datetime(datetime.fromisoformat(_sender_time(1, 11, 0, 2)))
    r = api.client.post("/v1/messages", content=QUOTING_EMAIL.format(date=sent).encode(),
                        headers={"Content-Type": "message/rfc822", "X-API-Key": api.key_a})
    assert r.status_code == 200, r.text
    stored = r.json()["message"]
    text, ignored = stored["text"], stored["ignored_ranges"]
    assert ignored and "idiots" in text[ignored[0][0]:ignored[0][1]]
    # The classifier reads the cleaned text and maps its spans back with to_original: a span
    # over "refund ... waiting" in the cleaned text covers the quote in the received text.
    cleaned = clean_message(text)
    a, b = cleaned.text.index("refund"), cleaned.text.index("waiting") + len("waiting")
    oa, ob = cleaned.to_original(a, b)
    assert "idiots" in text[oa:ob]
    with api.services.db.session() as s:
        row = s.query(Message).filter_by(message_id=stored["message_id"]).one()
        row.spans = [{"label": "threat", "start": oa, "end": ob, "text": text[oa:ob],
                      "score": 0.9}]
        s.commit()
    set_labels(api, stored["message_id"], ["threat"])

    card = api.get("/v1/clients/dana@example.com").json()
    [item] = card["evidence"]
    assert item["ignored_ranges"] == ignored
    assert [sp["text"] for sp in item["spans"]] == ["refund on Monday.",
                                                    "And I am still waiting"]
    for sp in item["spans"]:
        assert sp["text"] == text[sp["start"]:sp["end"]]
        assert all(sp["end"] <= qa or sp["start"] >= qb for qa, qb in ignored)
    # The brother's "I will sue you" is not the client's legal threat.
    assert [reason["code"] for reason in card["reasons"]] == ["threat"]
