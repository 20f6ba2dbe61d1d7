"""POST /v1/replies/suggest on both databases, with the rules-only suggester."""

from __future__ import annotations

import pytest

from tests.service.helpers import ingest, set_labels

URL = "/v1/replies/suggest"


def test_text_gets_replies_for_its_labels(api):
    r = api.post(URL, {"text": "You idiot, I will take you to court", "client_name": "Anna",
                       "agent_name": "Oleg", "company": "Acme Ltd"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body["labels"]) == {"aggression", "threat"}
    assert body["risk_level"] == "ok" and body["mode"] == "rules"
    assert body["message_id"] is None
    steps = [x["step"] for x in body["replies"]]
    assert len(steps) == 3 == len(set(steps))
    assert steps[:2] == ["threat_procedure", "boundary_tone"]
    for reply in body["replies"]:
        assert reply["lang"] == body["lang"]
        assert reply["text"].startswith("Hello Anna,")
        assert reply["text"].rstrip().endswith("Oleg\nAcme Ltd")
        assert "{" not in reply["text"] and "}" not in reply["text"]


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
    assert len(api.post(URL, {"text": "idiot", "k": 1}).json()["replies"]) == 1
    assert len(api.post(URL, {"text": "idiot", "k": 6}).json()["replies"]) == 6


def test_business_hours_are_quoted_from_the_tenant_or_request(api):
    hours = {"timezone": "Europe/Warsaw", "weekly": {"mon": [["07:00", "15:00"]],
                                                     "tue": [["07:00", "15:00"]]}}
    body = api.post(URL, {"text": "answer me now", "lang": "pl", "k": 1,
                          "business_hours": hours}).json()
    assert body["replies"][0]["step"] == "working_hours"
    assert "pon., wt. 07:00–15:00 (Europe/Warsaw)" in body["replies"][0]["text"]
    default = api.post(URL, {"text": "answer me now", "k": 1}).json()
    assert "Mon–Fri 09:00–18:00" in default["replies"][0]["text"]


def test_stored_message_uses_its_labels_and_client_risk(api):
    ingest(api, "m-1", cid="c-1", text="Hello, where is my parcel?")
    body = api.post(URL, {"message_id": "m-1"}).json()
    assert body["message_id"] == "m-1" and body["labels"] == []
    assert body["risk_level"] == "ok" and body["replies"][0]["step"] == "listen"
    # An agent's correction is what counts, and enough threats make the client a problem.
    for i in range(6):
        ingest(api, f"t-{i}", cid="c-1", text=f"see you in court, part {i}")
    set_labels(api, "m-1", ["aggression"])
    body = api.post(URL, {"message_id": "m-1", "k": 5}).json()
    assert body["labels"] == ["aggression"]
    assert body["risk_level"] != "ok"
    assert body["replies"][0]["step"] == "boundary_tone"
    if body["risk_level"] == "consider_parting":
        assert "part_ways" in [r["step"] for r in body["replies"]]


def test_text_with_a_known_client_uses_its_risk(api):
    for i in range(6):
        ingest(api, f"t-{i}", cid="c-9", text=f"you idiot, see you in court {i}")
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
