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
