"""Hostile input, case by case: each gets a clear 4xx JSON error or a correct answer.

Runs on SQLite and PostgreSQL: the two fail differently (PostgreSQL refuses NUL in
text, SQLite stores it), and neither may turn into a 500.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest

from tests.reliability.conftest import App

SENT = "2026-03-02T10:00:00+00:00"
STRING_FIELDS = ("message_id", "client_id", "text", "channel", "subject")


def body(mid: str = "m-1", **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"message_id": mid, "client_id": "c-1", "text": "Where is my order?",
                           "sent_at": SENT, "replies": 1}
    out.update(extra)
    return out


def assert_error(r: Any, status: int, field: str | None = None) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    data = r.json()
    assert isinstance(data["error"], str) and data["detail"]
    if field is not None:
        assert field in json.dumps(data["detail"]), data


def ingest_ok(svc: App, payload: dict[str, Any]) -> dict[str, Any]:
    r = svc.client.post("/v1/messages", json=payload, headers=svc.h())
    assert r.status_code == 200, r.text
    stored = svc.client.get(f"/v1/messages/{quote(payload['message_id'], safe='')}",
                            headers=svc.h())
    assert stored.status_code == 200, stored.text
    got = stored.json()
    for name in STRING_FIELDS:
        if name in payload:
            assert got[name] == payload[name], name  # stored and returned verbatim
    text = got["text"]
    for span in got["spans"]:
        assert 0 <= span["start"] < span["end"] <= len(text)
        assert text[span["start"]:span["end"]] == span["text"]
    return got


@pytest.mark.parametrize("text", ["", " ", " \n\t\r\u00a0\u2003 "])
def test_empty_or_blank_text_is_422(svc: App, text: str) -> None:
    assert_error(svc.client.post("/v1/messages", json=body(text=text), headers=svc.h()), 422,
                 "text")
    assert_error(svc.client.post("/v1/classify", json={"messages": [{"text": text}]},
                                 headers=svc.h()), 422, "text")


def test_one_megabyte_body_is_413_and_long_text_is_413(svc: App) -> None:
    r = svc.client.post("/v1/messages", json=body(text="a" * 1_000_001), headers=svc.h())
    assert_error(r, 413)
    r = svc.client.post("/v1/messages", json=body(text="b" * 20_001), headers=svc.h())
    assert_error(r, 413)
    assert "20000" in r.json()["detail"]
    # Exactly at the limit is fine.
    ingest_ok(svc, body(text="c" * 20_000))


def test_invalid_utf8_is_422(svc: App) -> None:
    raw = b'{"message_id": "m\xff\xfe", "client_id": "c", "text": "t\xc3", "sent_at": "2026"}'
    r = svc.client.post("/v1/messages", content=raw,
                        headers={**svc.h(), "content-type": "application/json"})
    assert_error(r, 422)
    # A lone surrogate escaped in valid JSON cannot be stored either.
    raw = json.dumps(body(text="x"))[:-1].encode() + b', "subject": "\\ud800"}'
    r = svc.client.post("/v1/messages", content=raw,
                        headers={**svc.h(), "content-type": "application/json"})
    assert_error(r, 422, "subject")
    # Undecodable bytes in a path are simply an unknown client.
    assert svc.client.get("/v1/clients/%FF%FE", headers=svc.h()).status_code == 404


@pytest.mark.parametrize("field", STRING_FIELDS)
def test_nul_in_any_string_field_is_422(svc: App, field: str) -> None:
    payload = body(channel="email", subject="Order")
    payload[field] = "a\x00b"
    assert_error(svc.client.post("/v1/messages", json=payload, headers=svc.h()), 422, field)


@pytest.mark.parametrize("path", ["/v1/clients/a%00b", "/v1/messages/a%00b",
                                  "/v1/messages?client_id=a%00b"])
def test_nul_in_path_or_query_is_422(svc: App, path: str) -> None:
    assert_error(svc.client.get(path, headers=svc.h()), 422)
    assert_error(svc.client.delete("/v1/clients/a%00b", headers=svc.h()), 422)


def test_control_characters_are_stored_verbatim(svc: App) -> None:
    text = "Hello\x01\x07\x08\x1b[31m red\x7f \u0085next\u2028line\u2029para\x0bvt\x0cff?"
    ingest_ok(svc, body(text=text, subject="sub\x1fject\x02", channel="ch\x03"))


def test_right_to_left_and_zero_width_characters(svc: App) -> None:
    text = ("مرحبا، أين طلبي؟ \u202eevil.exe\u202c \u2067שלום\u2069 a\u200bb\u200cc\u200dd"
            "\ufeff\u2060\u061c")
    client_id = "\u202eclient\u200b"
    ingest_ok(svc, body(text=text, client_id=client_id, subject="\u200f"))
    r = svc.client.get(f"/v1/clients/{quote(client_id)}", headers=svc.h())
    assert r.status_code == 200 and r.json()["messages_seen"] == 1


def test_emoji_only_messages(svc: App) -> None:
    text = "😡😡🤬💣🔥👎🏽👨‍👩‍👧‍👦🏳️‍🌈"
    ingest_ok(svc, body(text=text))
    r = svc.client.post("/v1/classify", json={"messages": [{"text": text}, {"text": "🙂"}]},
                        headers=svc.h())
    assert r.status_code == 200 and len(r.json()["results"]) == 2


def test_deeply_nested_json_is_422(svc: App) -> None:
    h = {**svc.h(), "content-type": "application/json"}
    deep = b"[" * 200_000 + b"]" * 200_000
    assert_error(svc.client.post("/v1/classify", content=deep, headers=h), 422)
    nested: Any = "x"
    for _ in range(500):
        nested = {"a": nested}
    assert_error(svc.client.post("/v1/messages", json=body(text=nested), headers=svc.h()), 422,
                 "text")
    obj = b'{"messages": [{"text": ' + b'{"a":' * 50_000 + b"1" + b"}" * 50_000 + b"}]}"
    assert_error(svc.client.post("/v1/classify", content=obj, headers=h), 422)


@pytest.mark.parametrize("field", (*STRING_FIELDS, "sent_at"))
@pytest.mark.parametrize("value", [123, 1.5, True, ["x"], {"x": 1}])
def test_numbers_and_objects_where_strings_belong_are_422(
    svc: App, field: str, value: Any
) -> None:
    payload = body()
    payload[field] = value
    if field == "sent_at" and isinstance(value, int | float) and not isinstance(value, bool):
        # JSON numbers are unix seconds for a timestamp: a correct answer, not an error.
        return
    assert_error(svc.client.post("/v1/messages", json=payload, headers=svc.h()), 422, field)


def test_batch_of_65_is_422_and_64_is_answered(svc: App) -> None:
    msgs = [{"text": f"message {i}"} for i in range(65)]
    assert_error(svc.client.post("/v1/classify", json={"messages": msgs}, headers=svc.h()), 422,
                 "messages")
    r = svc.client.post("/v1/classify", json={"messages": msgs[:64]}, headers=svc.h())
    assert r.status_code == 200 and len(r.json()["results"]) == 64
    assert_error(svc.client.post("/v1/classify", json={"messages": []}, headers=svc.h()), 422)


@pytest.mark.parametrize("sent_at", ["9999-12-31T23:59:59Z", "9999-12-31T23:59:59-14:00",
                                     "0001-01-01T00:00:00+14:00", "2026-13-45T99:00:00Z",
                                     "yesterday"])
def test_absurd_sent_at_is_422(svc: App, sent_at: str) -> None:
    assert_error(svc.client.post("/v1/messages", json=body(sent_at=sent_at), headers=svc.h()),
                 422, "sent_at")
    r = svc.client.post("/v1/classify", json={"messages": [{"text": "hi", "sent_at": sent_at}]},
                        headers=svc.h())
    assert_error(r, 422, "sent_at")


def test_ten_thousand_character_client_id_is_422(svc: App) -> None:
    long_id = "x" * 10_000
    assert_error(svc.client.post("/v1/messages", json=body(client_id=long_id), headers=svc.h()),
                 422, "client_id")
    assert_error(svc.client.get(f"/v1/clients/{long_id}", headers=svc.h()), 422)
    assert_error(svc.client.delete(f"/v1/clients/{long_id}", headers=svc.h()), 422)
    r = svc.client.post("/v1/replies/suggest", json={"text": "hi", "client_id": long_id},
                        headers=svc.h())
    assert_error(r, 422, "client_id")


SQL = "x'); DROP TABLE messages; -- \" OR 1=1; SELECT * FROM api_keys"
HTML = "<script>alert(document.cookie)</script><img src=x onerror=alert(1)>"


def test_sql_and_html_in_every_string_field_are_stored_verbatim(svc: App) -> None:
    hostile = body(mid=SQL + "1", client_id=HTML + SQL, text=f"{HTML} {SQL}",
                   channel=HTML[:60], subject=SQL + HTML,
                   reply_variables={"client_name": HTML, "agent_name": SQL, "company": HTML})
    got = ingest_ok(svc, hostile)
    assert got["client_id"] == HTML + SQL
    for reply in svc.client.post("/v1/messages", json=hostile, headers=svc.h()).json()["replies"]:
        assert isinstance(reply["text"], str)  # filled in as plain text; the UI escapes it
    cid = quote(HTML + SQL, safe="")
    card = svc.client.get(f"/v1/clients/{cid}", headers=svc.h()).json()
    assert card["client_id"] == HTML + SQL and card["messages_seen"] == 1
    listing = svc.client.get("/v1/messages", params={"client_id": HTML + SQL},
                             headers=svc.h()).json()
    assert listing["total"] == 1
    r = svc.client.post("/v1/feedback", json={"message_id": SQL + "1", "labels": ["threat"],
                                              "agent": HTML, "comment": SQL}, headers=svc.h())
    assert r.status_code == 200, r.text
    # The tables are intact and the other tenant still sees nothing.
    ingest_ok(svc, body(mid="after"))
    assert svc.client.get("/v1/messages", headers=svc.h()).json()["total"] == 2
    assert svc.client.get("/v1/messages", headers=svc.h(svc.key_b)).json()["total"] == 0
    assert svc.client.get(f"/v1/clients/{cid}", headers=svc.h(svc.key_b)).status_code == 404
    assert_error(svc.client.get("/v1/clients", params={"risk_level": SQL}, headers=svc.h()), 422)


def test_console_pages_escape_ids(svc: App) -> None:
    for page in ("/ui/client", "/ui/message"):
        r = svc.client.get(page, params={"id": '"><b x="' + HTML})
        assert r.status_code == 200
        assert "<script>alert" not in r.text and "<img" not in r.text and "<b x" not in r.text
        assert "&lt;script&gt;alert" in r.text
