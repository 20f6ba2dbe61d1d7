"""RFC 822 parsing: charsets, encoded headers, alternatives, attachments, missing headers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from classifier.email_cleanup import clean_message
from service.integrations import PayloadError
from service.integrations.rfc822 import parse_rfc822

PAYLOADS = Path(__file__).parent / "payloads"


def _raw(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def test_multipart_koi8r_prefers_plain_and_decodes_headers() -> None:
    msg = parse_rfc822(_raw("email_multipart_koi8r.eml"))
    assert msg.client_id == "petr.ivanov@example.ru"
    assert msg.message_id == "20261124234000.5521@mail.example.ru"
    assert msg.subject == "Возврат денег"
    assert msg.sent_at == datetime(2026, 11, 24, 23, 40, tzinfo=timezone(timedelta(hours=3)))
    assert msg.sent_at.astimezone(UTC).hour == 20
    assert msg.channel == "email"
    # text/plain was chosen: its signature is there (the HTML part has none).
    assert msg.text.startswith("Вы издеваетесь? Третий раз пишу про возврат.\n")
    assert "Пётр Иванов" in msg.text
    assert "\r" not in msg.text
    assert clean_message(msg.text).text == (
        "Вы издеваетесь? Третий раз пишу про возврат.\n"
        "Верните деньги до пятницы, иначе иду в суд."
    )


def test_html_only_cp1251_quoted_printable_becomes_text() -> None:
    msg = parse_rfc822(_raw("email_html_cp1251.eml"))
    assert msg.subject == "Re: Заказ"
    assert msg.client_id == "anna@client.example.ru"
    assert "<p>" not in msg.text and "&quot;" not in msg.text
    assert msg.text.startswith("Спасибо, всё получили, вопрос закрыт.")
    # The quoted (angry) message is still in the stored text, marked as a quote.
    assert "> Вы вообще читаете письма?!" in msg.text
    assert clean_message(msg.text).text == "Спасибо, всё получили, вопрос закрыт."


def test_attachments_are_ignored() -> None:
    msg = parse_rfc822(_raw("email_mixed_attachment_utf8.eml"))
    assert msg.subject == "Beschädigte Lieferung"
    assert msg.text.startswith("Anbei das Foto vom Schaden.")
    assert "/9j/" not in msg.text


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("email_no_from.eml", "From"),
        ("email_no_date.eml", "Date"),
        ("email_no_message_id.eml", "Message-ID"),
        ("email_bad_date.eml", "Date"),
        ("email_only_attachment.eml", "body"),
    ],
)
def test_missing_or_broken_parts_name_the_header(name: str, field: str) -> None:
    with pytest.raises(PayloadError) as err:
        parse_rfc822(_raw(name))
    assert err.value.field == field
    assert field in str(err.value)


@pytest.mark.parametrize("raw", [b"", b"   \r\n", b"just some words without headers"])
def test_garbage_is_a_payload_error(raw: bytes) -> None:
    with pytest.raises(PayloadError):
        parse_rfc822(raw)


def test_from_without_address_is_rejected() -> None:
    raw = (
        b"From: Nobody\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: <x@y>\r\n\r\nhi\r\n"
    )
    with pytest.raises(PayloadError) as err:
        parse_rfc822(raw)
    assert err.value.field == "From"
