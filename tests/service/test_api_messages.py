"""POST /v1/messages (ingest, idempotency, conflicts) and the inbox reads."""

from __future__ import annotations

from classifier.types import LABELS
from tests.service.helpers import ingest, iso, message, set_labels


def test_ingest_returns_classification_tally_and_replies(api):
    body = ingest(api, "m-1", text="I have been waiting two weeks, this is unacceptable.",
                  reply_variables={"client_name": "Anna", "agent_name": "Oleg"})
    assert body["created"] is True
    msg = body["message"]
    assert msg["message_id"] == "m-1" and msg["client_id"] == "client-1"
    assert set(msg["scores"]) == set(LABELS)
    assert msg["model_labels"] == msg["labels"]
    assert body["tally"]["messages_seen"] == 1
    assert body["tally"]["counts"] == {
        label: int(label in msg["labels"]) for label in LABELS
    }
    assert 1 <= len(body["replies"]) <= 3
    for reply in body["replies"]:
        assert reply["text"].strip() and reply["step"] and reply["lang"]
        assert "{" not in reply["text"]  # variables filled


def test_same_message_twice_counts_once(api):
    first = ingest(api, "dup", text="Please call me back.", sent_at="2026-11-01T10:00:00+02:00")
    again = ingest(api, "dup", text="Please call me back.", sent_at="2026-11-01T08:00:00Z")
    assert first["created"] is True and again["created"] is False
    assert again["message"] == first["message"]
    assert again["tally"]["messages_seen"] == 1
    assert api.get("/v1/clients/client-1").json()["messages_seen"] == 1
    assert api.get("/v1/messages").json()["total"] == 1


def test_same_id_different_content_is_409(api):
    ingest(api, "m-9", text="first version")
    for change in ({"text": "second version"}, {"client_id": "someone-else"},
                   {"sent_at": iso(days_ago=3)}):
        body = message("m-9", text="first version") | change
        r = api.post("/v1/messages", body)
        assert r.status_code == 409, change
        assert r.json()["error"] == "conflict"
    assert api.get("/v1/clients/client-1").json()["messages_seen"] == 1


def test_message_ids_are_per_tenant(api):
    a = ingest(api, "shared-id", text="tenant A text")
    b = ingest(api, "shared-id", text="tenant B text", key=api.key_b)
    assert a["created"] and b["created"]
    assert api.get("/v1/messages/shared-id").json()["text"] == "tenant A text"
    assert api.get("/v1/messages/shared-id", key=api.key_b).json()["text"] == "tenant B text"


def test_inbox_newest_first_paged_and_filtered(api):
    for i in range(5):
        ingest(api, f"m{i}", cid="alice" if i % 2 else "bob")
    page = api.get("/v1/messages", params={"limit": 2}).json()
    assert page["total"] == 5 and [m["message_id"] for m in page["items"]] == ["m4", "m3"]
    page2 = api.get("/v1/messages", params={"limit": 2, "offset": 2}).json()
    assert [m["message_id"] for m in page2["items"]] == ["m2", "m1"]
    alice = api.get("/v1/messages", params={"client_id": "alice"}).json()
    assert {m["message_id"] for m in alice["items"]} == {"m1", "m3"}

    for mid in ("m0", "m1", "m2", "m3", "m4"):
        set_labels(api, mid, [])
    set_labels(api, "m1", ["threat", "aggression"])
    set_labels(api, "m2", ["threat"])
    threats = api.get("/v1/messages", params={"label": "threat"}).json()
    assert [m["message_id"] for m in threats["items"]] == ["m2", "m1"]
    assert threats["items"][0]["labels"] == ["threat"]
    # alice (m1: 3 + 2 = 5 points) is on watch; bob (m2: 3 points) too; nobody is ok-and-flagged
    watch = api.get("/v1/messages", params={"risk_level": "watch"}).json()
    assert watch["total"] == 5
    assert api.get("/v1/messages", params={"risk_level": "ok"}).json()["total"] == 0
    assert api.get("/v1/messages", params={"label": "nonsense"}).status_code == 422


def test_message_detail_has_spans_ranges_and_client_risk(api):
    text = "Thanks for nothing.\n\n> On Monday you wrote:\n> we will ship tomorrow"
    ingest(api, "d1", text=text, channel="email", subject="Order 17")
    r = api.get("/v1/messages/d1")
    assert r.status_code == 200
    d = r.json()
    assert d["text"] == text and d["channel"] == "email" and d["subject"] == "Order 17"
    for key in ("spans", "ignored_ranges", "labels", "scores", "lang", "outside_business_hours"):
        assert key in d
    for start, end in d["ignored_ranges"]:
        assert 0 <= start < end <= len(text)
    assert d["client"]["client_id"] == "client-1"
    assert d["client"]["risk_level"] in {"ok", "watch", "difficult", "consider_parting"}
    assert api.get("/v1/messages/unknown").status_code == 404


def test_ingest_without_replies(api):
    body = ingest(api, "quiet", replies=0)
    assert body["replies"] == []


def test_ids_with_slashes_and_email_brackets(api):
    mid = "<CAF+abc/def=42@mail.example.com>"
    ingest(api, mid, cid="support/anna@example.com")
    from urllib.parse import quote

    r = api.get("/v1/messages/" + quote(mid, safe=""))
    assert r.status_code == 200 and r.json()["message_id"] == mid
    card = api.get("/v1/clients/" + quote("support/anna@example.com", safe=""))
    assert card.status_code == 200 and card.json()["messages_seen"] == 1


def test_inbox_sorts_by_send_time_not_arrival(api):
    # A message sent five days ago arrives after one sent yesterday (a delayed sync).
    ingest(api, "sent-yesterday", sent_at=iso(days_ago=1))
    ingest(api, "sent-long-ago", sent_at=iso(days_ago=5))
    ingest(api, "sent-today", sent_at=iso(days_ago=0.01))
    items = api.get("/v1/messages").json()["items"]
    assert [m["message_id"] for m in items] == ["sent-today", "sent-yesterday", "sent-long-ago"]


def test_sender_offset_is_kept(api):
    body = ingest(api, "moscow", sent_at="2026-11-24T23:40:00+03:00")
    assert body["message"]["sent_utc_offset"] == 180
    detail = api.get("/v1/messages/moscow").json()
    assert detail["sent_utc_offset"] == 180
    assert detail["sent_at"].startswith("2026-11-24T20:40:00")  # the instant, in UTC
    assert api.get("/v1/messages").json()["items"][0]["sent_utc_offset"] == 180
    ingest(api, "utc", sent_at="2026-11-24T10:00:00Z")
    assert api.get("/v1/messages/utc").json()["sent_utc_offset"] == 0


def test_inbox_client_search_is_partial_and_ignores_case(api):
    ingest(api, "s1", "Anna.Petrova@Example.com")
    ingest(api, "s2", "bob@example.com")
    ingest(api, "s3", "Иванов Пётр")
    ingest(api, "s4", "100%_sure")

    def found(q):
        return sorted(m["message_id"] for m in api.get("/v1/messages", params={"q": q})
                      .json()["items"])

    assert found("petrova") == ["s1"]
    assert found("EXAMPLE.COM") == ["s1", "s2"]
    assert found("иванов") == ["s3"]
    assert found("%") == ["s4"]  # LIKE wildcards are plain characters
    assert found("_s") == ["s4"]
    assert api.get("/v1/messages", params={"q": ""}).status_code == 422


def test_message_shows_its_latest_correction(api):
    ingest(api, "fix-me")
    assert api.get("/v1/messages/fix-me").json()["correction"] is None
    r = api.post("/v1/feedback", {"message_id": "fix-me", "labels": ["threat"], "agent": "Olga"})
    assert r.status_code == 200, r.text
    detail = api.get("/v1/messages/fix-me").json()
    assert detail["correction"]["agent"] == "Olga"
    assert detail["correction"]["labels"] == ["threat"]
    assert detail["labels"] == ["threat"] and detail["corrected"] is True
