"""POST /v1/replies/suggest on both databases, with the rules-only suggester."""

from __future__ import annotations

import pytest

from tests.service.helpers import ingest, set_labels

URL = "/v1/replies/suggest"


def test_text_is_classified_and_answered(api):
    """A bare text gets the classifier's labels and filled replies, one per step."""
    text = "You idiot, I will take you to court"
    classified = api.post("/v1/classify", {"messages": [{"text": text}]}).json()["results"][0]
    r = api.post(URL, {"text": text, "client_name": "Anna", "agent_name": "Oleg",
                       "company": "Acme Ltd"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["labels"] == classified["labels"]
    assert body["risk_level"] == "ok" and body["mode"] == "rules"
    assert body["message_id"] is None
    steps = [x["step"] for x in body["replies"]]
    assert 1 <= len(steps) <= 3 and len(steps) == len(set(steps))
    expected = api.services.suggester.suggest(text, body["labels"], body["lang"], "ok", {})
    assert steps == [x.step for x in expected]
    for reply in body["replies"]:
        assert reply["lang"] == body["lang"]
        assert reply["text"].rstrip().endswith("Oleg\nAcme Ltd")
        assert "{" not in reply["text"] and "}" not in reply["text"]


def _stored(api, mid: str, labels: list[str], cid: str = "c-1", **kw) -> None:
    """A stored message whose labels are set by an agent, whatever the model said."""
    ingest(api, mid, cid=cid, **kw)
    set_labels(api, mid, labels)


def test_stored_message_steers_by_its_labels(api):
    _stored(api, "m-1", ["aggression", "threat"], text="You idiot, see you in court")
    body = api.post(URL, {"message_id": "m-1", "client_name": "Anna"}).json()
    assert body["labels"] == ["aggression", "threat"]
    steps = [x["step"] for x in body["replies"]]
    assert steps[:2] == ["threat_procedure", "boundary_tone"]
    assert all(x["text"].startswith("Hello Anna,") for x in body["replies"])


def test_replies_follow_the_detected_language(api):
    """Whatever language the classifier reports for the text, the replies use it."""
    text = "Здравствуйте, почему мой заказ до сих пор не доставлен?"
    detected = api.post("/v1/classify", {"messages": [{"text": text}]}).json()
    lang = detected["results"][0]["lang"]
    body = api.post(URL, {"text": text}).json()
    assert body["lang"] == lang
    assert {r["lang"] for r in body["replies"]} == {lang}


@pytest.mark.parametrize(("lang", "greeting"), [("ru", "Здравствуйте!"), ("de", "Guten Tag,"),
                                                ("pl-PL", "Dzień dobry,"), ("it", "Hello,")])
def test_explicit_language(api, lang, greeting):
    body = api.post(URL, {"text": "Where is my order?", "lang": lang, "k": 1}).json()
    assert body["replies"][0]["text"].startswith(greeting)
    assert body["lang"] == lang[:2] if lang != "it" else body["lang"] == "en"


def test_k_limits_the_count(api):
    every = ["aggression", "threat", "unreasonable_demand", "off_hours_pressure"]
    _stored(api, "all", every, text="idiot, see you in court, do it free tonight")
    assert len(api.post(URL, {"message_id": "all", "k": 1}).json()["replies"]) == 1
    assert len(api.post(URL, {"message_id": "all", "k": 3}).json()["replies"]) == 3
    # One step per flag plus listening: no filler beyond what fits.
    assert len(api.post(URL, {"message_id": "all", "k": 10}).json()["replies"]) == 5


def test_business_hours_are_quoted_from_the_tenant_or_request(api):
    _stored(api, "late", ["off_hours_pressure"], text="answer me now")
    hours = {"timezone": "Europe/Warsaw", "weekly": {"mon": [["07:00", "15:00"]],
                                                     "tue": [["07:00", "15:00"]]}}
    body = api.post(URL, {"message_id": "late", "lang": "pl", "k": 1,
                          "business_hours": hours}).json()
    assert body["replies"][0]["step"] == "working_hours"
    assert "pon., wt. 07:00–15:00 (Europe/Warsaw)" in body["replies"][0]["text"]
    default = api.post(URL, {"message_id": "late", "k": 1}).json()
    assert "Mon–Fri 09:00–18:00" in default["replies"][0]["text"]


def test_stored_message_uses_its_client_risk(api):
    _stored(api, "m-1", [], text="Hello, where is my parcel?")
    body = api.post(URL, {"message_id": "m-1"}).json()
    assert body["message_id"] == "m-1" and body["labels"] == []
    assert body["risk_level"] == "ok" and body["replies"][0]["step"] == "acknowledge"
    for i in range(8):
        _stored(api, f"t-{i}", ["threat", "aggression"], text=f"see you in court, part {i}")
    level = api.get("/v1/clients/c-1").json()["risk_level"]
    assert level == "consider_parting"
    body = api.post(URL, {"message_id": "m-1", "k": 3}).json()
    assert body["risk_level"] == level
    assert body["replies"][0]["step"] == "part_ways"


def test_text_with_a_known_client_uses_its_risk(api):
    for i in range(6):
        _stored(api, f"t-{i}", ["threat"], cid="c-9", text=f"see you in court {i}")
    level = api.get("/v1/clients/c-9").json()["risk_level"]
    body = api.post(URL, {"text": "hello", "client_id": "c-9"}).json()
    assert body["risk_level"] == level != "ok"
    assert api.post(URL, {"text": "hello", "client_id": "nobody"}).status_code == 404


def test_another_tenants_message_is_404(api):
    ingest(api, "secret", cid="c-1", text="you idiot")
    r = api.post(URL, {"message_id": "secret"}, key=api.key_b)
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    r = api.post(URL, {"text": "hi", "client_id": "c-1"}, key=api.key_b)
    assert r.status_code == 404
    assert api.post(URL, {"message_id": "never-stored"}).status_code == 404


def test_auth(api):
    assert api.client.post(URL, json={"text": "hi"}).status_code == 401
    r = api.client.post(URL, json={"text": "hi"}, headers={"X-API-Key": "tg_wrong"})
    assert r.status_code == 401 and r.json()["error"] == "unauthorized"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"text": "hi", "message_id": "m-1"},
        {"text": ""},
        {"text": "   "},
        {"text": 42},
        {"message_id": ""},
        {"text": "hi", "k": 0},
        {"text": "hi", "k": 11},
        {"text": "hi", "k": "three"},
        {"text": "hi", "lang": "english!"},
        {"text": "hi", "client_name": "x" * 201},
        {"text": "hi", "colour": "blue"},
        {"message_id": "m-1", "client_id": "c-1"},
        {"text": "hi", "business_hours": {"timezone": "Mars/Olympus"}},
    ],
)
def test_bad_requests_are_422(api, body):
    r = api.post(URL, body)
    assert r.status_code == 422, (body, r.text)
    assert r.json()["error"] == "invalid_request"


def test_oversized_text_is_413(api):
    r = api.post(URL, {"text": "a" * 20_001})
    assert r.status_code == 413 and r.json()["error"] == "payload_too_large"


def test_turned_off_is_503(api):
    api.services.suggester = None
    r = api.post(URL, {"text": "hi"})
    assert r.status_code == 503 and r.json()["error"] == "unavailable"


def test_sent_at_is_accepted_and_says_whose_clock(api):
    """An offset is the sender's clock; a time without one is read in the tenant's zone."""
    hours = {"timezone": "Europe/Berlin", "weekly": {"mon": [["09:00", "18:00"]]}}
    r = api.post(URL, {"text": "Where is my parcel?", "sent_at": "2026-11-28T23:40:00+03:00"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["sent_at"].startswith("2026-11-28T23:40:00") and body["sent_at"].endswith("+03:00")
    assert body["sent_at_read_in"] == "sender offset"
    naive = api.post(URL, {"text": "Where is my parcel?", "sent_at": "2026-11-28T23:40:00",
                           "business_hours": hours}).json()
    assert naive["sent_at"] == "2026-11-28T23:40:00+01:00"
    assert naive["sent_at_read_in"] == "tenant zone Europe/Berlin"
    plain = api.post(URL, {"text": "Where is my parcel?"}).json()
    assert plain["sent_at"] is None and plain["sent_at_read_in"] is None


def test_sent_at_judges_off_hours_like_classify(api):
    """The on-the-spot classification sees the send time, as /v1/classify does."""
    text = "Answer me right now!!!"
    for when in ("2026-11-28T23:40:00+03:00", "2026-11-24T14:00:00+03:00"):
        classified = api.post("/v1/classify", {"messages": [{"text": text, "sent_at": when}]})
        body = api.post(URL, {"text": text, "sent_at": when}).json()
        assert body["labels"] == classified.json()["results"][0]["labels"]


@pytest.mark.parametrize("body", [
    {"text": "hi", "sent_at": "yesterday"},
    {"text": "hi", "sent_at": "1900-01-01T00:00:00+00:00"},
    {"message_id": "m-1", "sent_at": "2026-11-28T23:40:00+03:00"},
])
def test_bad_sent_at_is_422(api, body):
    r = api.post(URL, body)
    assert r.status_code == 422, r.text


def test_client_name_fills_the_greeting(api):
    body = api.post(URL, {"text": "Where is my parcel?", "client_name": "Anna Lee"}).json()
    assert body["replies"] and all(x["text"].startswith("Hello Anna Lee,")
                                   for x in body["replies"])


def test_raw_email_from_name_fills_the_greeting(api):
    mail = (
        "From: =?utf-8?b?0JDQvdC90LAg0J/QtdGC0YDQvtCy0LA=?= <anna@example.ru>\r\n"
        "To: support@example.com\r\nSubject: =?utf-8?b?0JfQsNC60LDQtw==?=\r\n"
        "Date: Tue, 24 Nov 2026 10:00:00 +0300\r\nMessage-ID: <from-name-1@example.ru>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
        "Добрый день! Подскажите, когда придёт мой заказ?\r\n"
    ).encode()
    r = api.client.post("/v1/messages", content=mail, headers={
        "Content-Type": "message/rfc822", "X-API-Key": api.key_a})
    assert r.status_code == 200, r.text
    replies = r.json()["replies"]
    assert replies and all(x["text"].startswith("Здравствуйте, Анна Петрова!") for x in replies)
