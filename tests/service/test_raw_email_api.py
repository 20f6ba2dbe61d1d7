"""POST /v1/messages with Content-Type: message/rfc822, through the real app and database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

PAYLOADS = Path(__file__).parent / "payloads"
RFC822 = {"Content-Type": "message/rfc822"}


def post_email(api: Any, name: str, key: str | None = None, **params: Any) -> Any:
    headers = RFC822 | {"X-API-Key": key or api.key_a}
    return api.client.post("/v1/messages", content=(PAYLOADS / name).read_bytes(),
                           headers=headers, params=params)


def test_raw_email_is_ingested_like_json(api: Any) -> None:
    r = post_email(api, "email_multipart_koi8r.eml")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["created"] is True
    msg = body["message"]
    assert msg["message_id"] == "20261124234000.5521@mail.example.ru"
    assert msg["client_id"] == "petr.ivanov@example.ru"
    assert msg["subject"] == "Возврат денег"
    assert msg["channel"] == "email"
    assert msg["sent_at"].startswith("2026-11-24T20:40:00")
    assert msg["text"].startswith("Вы издеваетесь? Третий раз пишу про возврат.")
    assert body["tally"]["messages_seen"] == 1
    # The same mail delivered twice counts once.
    again = post_email(api, "email_multipart_koi8r.eml")
    assert again.status_code == 200 and again.json()["created"] is False
    assert api.get("/v1/clients/petr.ivanov@example.ru").json()["messages_seen"] == 1


def test_html_only_mail_is_stored_as_text(api: Any) -> None:
    r = post_email(api, "email_html_cp1251.eml", replies=0)
    assert r.status_code == 200, r.text
    assert r.json()["replies"] == []
    text = api.get("/v1/messages/a77f@client.example.ru").json()["text"]
    assert text.startswith("Спасибо, всё получили, вопрос закрыт.") and "<p>" not in text


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("email_no_from.eml", "From"),
        ("email_no_date.eml", "Date"),
        ("email_no_message_id.eml", "Message-ID"),
        ("email_only_attachment.eml", "body"),
    ],
)
def test_missing_headers_are_422_naming_them(api: Any, name: str, field: str) -> None:
    r = post_email(api, name)
    assert r.status_code == 422
    assert r.json()["detail"]["field"] == field
    assert api.get("/v1/messages").json()["total"] == 0


def test_raw_email_needs_an_api_key(api: Any) -> None:
    r = api.client.post("/v1/messages", content=(PAYLOADS / "email_html_cp1251.eml").read_bytes(),
                        headers=RFC822)
    assert r.status_code == 401


def test_bad_replies_param_and_garbage_body(api: Any) -> None:
    assert post_email(api, "email_html_cp1251.eml", replies="many").status_code == 422
    r = api.client.post("/v1/messages", content=b"\x00\xff garbage",
                        headers=RFC822 | api.h())
    assert r.status_code == 422


def test_openapi_documents_both_body_types(api: Any) -> None:
    spec = api.client.get("/openapi.json").json()
    content = spec["paths"]["/v1/messages"]["post"]["requestBody"]["content"]
    assert {"application/json", "message/rfc822"} <= set(content)


def test_utf8_body_without_a_charset_keeps_its_letters(api: Any) -> None:
    """A hand-saved mail often names no charset; valid UTF-8 must not turn into '?'."""
    raw = ("From: Olga <olga@example.ru>\nTo: support@example.com\nSubject: test\n"
           "Date: Tue, 24 Nov 2026 14:00:00 +0300\nMessage-ID: <utf8-no-charset@example.ru>\n"
           "\nДобрый день, подскажите статус заказа.\n").encode()
    r = api.client.post("/v1/messages", content=raw,
                        headers=RFC822 | {"X-API-Key": api.key_a}, params={"replies": 0})
    assert r.status_code == 200, r.text
    assert r.json()["message"]["text"].startswith("Добрый день, подскажите статус заказа.")
