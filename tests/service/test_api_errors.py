"""Every failure is a clear JSON 4xx: auth, size limits, validation, unknown routes."""

from __future__ import annotations

import json

import pytest

from tests.service.helpers import message


def test_missing_and_wrong_key_are_401(api):
    for method, path, body in [
        ("get", "/v1/messages", None), ("get", "/v1/clients", None),
        ("get", "/v1/clients/x", None), ("delete", "/v1/clients/x", None),
        ("get", "/v1/messages/x", None), ("get", "/v1/tenant", None),
        ("post", "/v1/classify", {"messages": [{"text": "hi"}]}),
        ("post", "/v1/messages", message("m")),
        ("post", "/v1/feedback", {"message_id": "m", "labels": []}),
    ]:
        for headers in ({}, {"X-API-Key": "tg_not-a-real-key"}, {"X-API-Key": ""}):
            r = api.client.request(method.upper(), path, json=body, headers=headers)
            assert r.status_code == 401, (method, path, headers)
            assert r.json()["error"] == "unauthorized"


def test_text_over_limit_is_413(api):
    big = "a" * 20_001
    r = api.post("/v1/messages", message("big", text=big))
    assert r.status_code == 413 and r.json()["error"] == "payload_too_large"
    r = api.post("/v1/classify", {"messages": [{"text": "ok"}, {"text": big}]})
    assert r.status_code == 413 and "message 1" in r.json()["detail"]
    exact = api.post("/v1/classify", {"messages": [{"text": "a" * 20_000}]})
    assert exact.status_code == 200


def test_body_over_1mb_is_413_before_parsing(api):
    raw = b'{"messages": [{"text": "' + b"x" * 1_100_000 + b'"}]}'
    r = api.client.post("/v1/classify", content=raw,
                        headers=api.h() | {"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"] == "payload_too_large"

    def chunks():  # no Content-Length: the limit applies while streaming
        for _ in range(12):
            yield b"x" * 100_000

    r = api.client.post("/v1/classify", content=chunks(),
                        headers=api.h() | {"Content-Type": "application/json"})
    assert r.status_code == 413
    # Even without a key: the size check comes first.
    assert api.client.post("/v1/classify", content=raw).status_code == 413


@pytest.mark.parametrize(
    "change",
    [
        {"text": ""},
        {"text": "   \n "},
        {"text": 12345},
        {"text": None},
        {"sent_at": "yesterday"},
        {"sent_at": "2026-13-45T25:00:00Z"},
        {"sent_at": "9999-12-31T23:59:59+00:00"},
        {"client_id": "c" * 10_000},
        {"client_id": ""},
        {"message_id": ["a"]},
        {"text": "null byte \x00 here"},
        {"channel": {"nested": {"deep": [1, 2]}}},
        {"unexpected_field": 1},
        {"replies": 99},
    ],
)
def test_invalid_ingest_is_422(api, change):
    body = message("bad") | change
    r = api.post("/v1/messages", body)
    assert r.status_code == 422, r.text
    data = r.json()
    assert data["error"] == "invalid_request" and data["detail"]


def test_missing_fields_and_malformed_json(api):
    r = api.post("/v1/messages", {"text": "no ids"})
    assert r.status_code == 422
    locs = {tuple(e["loc"]) for e in r.json()["detail"]}
    assert ("body", "message_id") in locs and ("body", "client_id") in locs
    bad = api.client.post("/v1/messages", content=b"{not json",
                          headers=api.h() | {"Content-Type": "application/json"})
    assert bad.status_code == 422
    nested = "[" * 5000 + "]" * 5000
    deep = api.client.post("/v1/classify", content=nested.encode(),
                           headers=api.h() | {"Content-Type": "application/json"})
    assert deep.status_code == 422
    invalid_utf8 = api.client.post("/v1/classify", content=b'{"messages": [{"text": "\xff\xfe"}]}',
                                   headers=api.h() | {"Content-Type": "application/json"})
    assert invalid_utf8.status_code == 422
    surrogate = json.dumps({"messages": [{"text": "\ud800"}]}).encode()
    r = api.client.post("/v1/classify", content=surrogate,
                        headers=api.h() | {"Content-Type": "application/json"})
    assert r.status_code == 422


def test_unicode_oddities_are_accepted(api):
    texts = ["🤬🤬🤬", "שלום \u200f مرحبا", "zero\u200bwidth", "<script>x</script>",
             "'; DROP TABLE messages; --", "ctrl \x07\x1b chars"]
    for i, text in enumerate(texts):
        r = api.post("/v1/messages", message(f"u{i}", text=text, client_id=f"<b>{i}</b>"))
        assert r.status_code == 200, (text, r.text)
        assert api.get(f"/v1/messages/u{i}").json()["text"] == text


def test_unknown_route_and_method_are_json(api):
    r = api.get("/v1/nothing-here")
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    r = api.client.put("/v1/classify", headers=api.h())
    assert r.status_code == 405 and r.json()["error"] == "method_not_allowed"
    assert api.get("/v1/messages", params={"limit": 0}).status_code == 422
    assert api.get("/v1/clients", params={"risk_level": "angry"}).status_code == 422


def test_full_inference_queue_is_503_with_retry_after(api):
    """The engine raises its own Overloaded; the API turns it into a 503 with Retry-After."""
    engine = api.services.engine
    assert api.post("/v1/classify", {"messages": [{"text": "hi"}]}).status_code == 200
    engine._waiting = engine.max_queue  # the workers run; as if that many messages queued
    try:
        r = api.post("/v1/classify", {"messages": [{"text": "hello there"}]})
    finally:
        engine._waiting = 0
    assert r.status_code == 503 and r.headers["Retry-After"] == "1"
    assert r.json()["error"] == "unavailable" and "busy" in r.json()["detail"]
