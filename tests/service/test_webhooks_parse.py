"""Chatwoot and Zammad payload parsing and signature checks, without the HTTP layer."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from pydantic import SecretStr

from classifier.email_cleanup import clean_message
from service.ingest import IncomingMessage
from service.integrations import PayloadError, SignatureError, chatwoot, zammad
from service.integrations.common import Ignored
from service.integrations.long_text import size_message
from service.integrations.signatures import secrets_for, sign
from service.integrations.tokens import RedactTokens, check_token, redact, tokens_for

PAYLOADS = Path(__file__).parent / "payloads"
SECRET = "whsec-test-0123456789"


def _raw(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


# -- Chatwoot -----------------------------------------------------------------------------


def test_chatwoot_incoming_message() -> None:
    msg = chatwoot.parse(_raw("chatwoot_message_created.json"))
    assert isinstance(msg, IncomingMessage)
    assert msg.message_id == "chatwoot:2:4821"
    assert msg.client_id == "chatwoot:2:311"
    assert msg.text.startswith("Я третий день жду ответа!")
    assert msg.sent_at == datetime(2026, 11, 24, 21, 47, 12, tzinfo=UTC)
    assert msg.channel == "chatwoot"


def test_chatwoot_email_inbox_html_with_integer_type() -> None:
    msg = chatwoot.parse(_raw("chatwoot_email_html.json"))
    assert isinstance(msg, IncomingMessage)
    assert msg.subject == "Invoice for October"
    assert msg.sent_at == datetime(2026, 11, 24, 10, 15, tzinfo=UTC)
    assert "<b>" not in msg.text
    assert clean_message(msg.text).text == (
        "Hello,\nI have asked three times for the invoice. Send it today."
    )


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("chatwoot_outgoing.json", "outgoing"),
        ("chatwoot_private_note.json", "private"),
        ("chatwoot_attachment_only.json", "no text"),
        ("chatwoot_conversation_created.json", "conversation_created"),
    ],
)
def test_chatwoot_ignored_deliveries(name: str, reason: str) -> None:
    result = chatwoot.parse(_raw(name))
    assert isinstance(result, Ignored)
    assert reason in result.reason


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (b"not json", "body"),
        (b"[1, 2]", "body"),
        (b'{"id": 1}', "event"),
        (_raw("chatwoot_missing_account.json"), "account"),
        (b'{"event": "message_created", "id": 1, "private": false}', "message_type"),
        (b'{"event": "message_created", "message_type": "incoming", "account": {"id": 1},'
         b' "content": "hi", "sender": {"id": 3, "type": "contact"}}', "id"),
        (b'{"event": "message_created", "id": 9, "message_type": "incoming",'
         b' "account": {"id": 1}, "content": "hi"}', "sender.id"),
        (b'{"event": "message_created", "id": 9, "message_type": "incoming", "account": {"id": 1},'
         b' "content": "hi", "sender": {"id": 3}, "created_at": "last tuesday"}', "created_at"),
        (b'{"event": "message_created", "id": 9, "message_type": "incoming", "account": {"id": 1},'
         b' "content": 42, "sender": {"id": 3}}', "content"),
        (b'{"event": "message_created", "id": 9, "message_type": "incoming", "private": "no",'
         b' "account": {"id": 1}, "content": "x", "sender": {"id": 3}}', "private"),
    ],
)
def test_chatwoot_malformed_payload_names_the_field(payload: bytes, field: str) -> None:
    with pytest.raises(PayloadError) as err:
        chatwoot.parse(payload)
    assert err.value.field == field


def _chatwoot_headers(body: bytes, secret: str = SECRET, ts: int | None = None) -> tuple[str, str]:
    stamp = str(int(time.time()) if ts is None else ts)
    return sign(secret, stamp.encode() + b"." + body, "sha256"), stamp


def test_chatwoot_signature_accepts_valid() -> None:
    body = _raw("chatwoot_message_created.json")
    signature, stamp = _chatwoot_headers(body)
    chatwoot.verify(body, signature, stamp, SECRET)


@pytest.mark.parametrize("problem", ["wrong secret", "tampered", "stale", "future", "missing",
                                     "no timestamp", "bad prefix", "not a number"])
def test_chatwoot_signature_rejections(problem: str) -> None:
    body = _raw("chatwoot_message_created.json")
    signature, stamp = _chatwoot_headers(body)
    sig: str | None = signature
    ts: str | None = stamp
    if problem == "wrong secret":
        sig, _ = _chatwoot_headers(body, secret="another-secret", ts=int(stamp))
    elif problem == "tampered":
        body = body.replace("суд".encode(), "сад".encode())
    elif problem == "stale":
        sig, ts = _chatwoot_headers(body, ts=int(time.time()) - 3600)
    elif problem == "future":
        sig, ts = _chatwoot_headers(body, ts=int(time.time()) + 3600)
    elif problem == "missing":
        sig = None
    elif problem == "no timestamp":
        ts = None
    elif problem == "bad prefix":
        sig = signature.replace("sha256=", "sha1=")
    elif problem == "not a number":
        ts = "yesterday"
    with pytest.raises(SignatureError):
        chatwoot.verify(body, sig, ts, SECRET)


# -- Zammad -------------------------------------------------------------------------------


def test_zammad_customer_article_html_is_stripped() -> None:
    msg = zammad.parse(_raw("zammad_customer_article.json"))
    assert isinstance(msg, IncomingMessage)
    assert msg.message_id == "zammad:2219"
    assert msg.client_id == "zammad:87"
    assert msg.subject == "AW: Beschädigte Lieferung"
    assert msg.sent_at is not None and msg.sent_at.tzinfo is not None
    assert "<div>" not in msg.text and "&uuml;" not in msg.text
    assert "Vielen Dank für Ihre Nachricht." in msg.text
    assert clean_message(msg.text).text == (
        "Das ist eine Frechheit! Zum dritten Mal kommt die Ware kaputt an.\n"
        "Wenn Sie bis morgen nicht ersetzen, gehe ich zum Anwalt."
    )


def test_zammad_plain_article_and_title_fallback() -> None:
    msg = zammad.parse(_raw("zammad_plain_calm.json"))
    assert isinstance(msg, IncomingMessage)
    assert msg.text == "Hi, could you tell me when my plan renews? Thanks a lot!"
    assert msg.subject == "Question about my plan"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("zammad_agent_article.json", "Agent"),
        ("zammad_internal_note.json", "internal"),
        ("zammad_attachment_only.json", "no text"),
        ("zammad_ticket_without_article.json", "no article"),
    ],
)
def test_zammad_ignored_deliveries(name: str, reason: str) -> None:
    result = zammad.parse(_raw(name))
    assert isinstance(result, Ignored)
    assert reason in result.reason


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (b"{", "body"),
        (b'{"article": {"id": 1}}', "ticket"),
        (_raw("zammad_missing_customer.json"), "ticket.customer_id"),
        (b'{"ticket": {"customer_id": 1}, "article": {"body": "x", "sender": "Customer"}}',
         "article.id"),
        (b'{"ticket": {"customer_id": 1}, "article": {"id": 5, "body": "x"}}', "article.sender"),
        (b'{"ticket": {"customer_id": 1}, "article": "hello"}', "article"),
        (b'{"ticket": {"customer_id": 1}, "article": {"id": 5, "body": ["x"],'
         b' "sender": "Customer"}}', "article.body"),
    ],
)
def test_zammad_malformed_payload_names_the_field(payload: bytes, field: str) -> None:
    with pytest.raises(PayloadError) as err:
        zammad.parse(payload)
    assert err.value.field == field


def test_zammad_signature() -> None:
    body = _raw("zammad_customer_article.json")
    zammad.verify(body, sign(SECRET, body, "sha1"), SECRET)
    with pytest.raises(SignatureError):
        zammad.verify(body, sign("other", body, "sha1"), SECRET)
    with pytest.raises(SignatureError):
        zammad.verify(body + b" ", sign(SECRET, body, "sha1"), SECRET)
    with pytest.raises(SignatureError):
        zammad.verify(body, None, SECRET)
    with pytest.raises(SignatureError):
        zammad.verify(body, sign(SECRET, body, "sha256"), SECRET)


def test_signature_matches_known_hmac_values() -> None:
    # Computed with `printf '%s' '{"a":1}' | openssl dgst -sha1 -hmac s3cret`.
    assert sign("s3cret", b'{"a":1}', "sha1") == "sha1=79999786a1bff10cd4d7dd0b0752574af76be0b5"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
@pytest.mark.parametrize("algo", ["sha1", "sha256"])
def test_readme_openssl_recipe_gives_the_same_signature(algo: str, tmp_path: Path) -> None:
    body = _raw("zammad_customer_article.json")
    (tmp_path / "body").write_bytes(body)
    out = subprocess.run(
        ["openssl", "dgst", f"-{algo}", "-hmac", SECRET, "-r", str(tmp_path / "body")],
        check=True, capture_output=True, text=True,
    ).stdout
    assert f"{algo}={out.split()[0]}" == sign(SECRET, body, algo)


# -- Secrets per tenant --------------------------------------------------------------------


def test_secret_lookup_is_per_tenant() -> None:
    settings = SimpleNamespace(
        webhook_secrets={"acme": {"chatwoot": SecretStr("acme-cw")}},
        chatwoot_webhook_secret=SecretStr("global-cw"),
        zammad_webhook_secret=None,
    )
    assert secrets_for(settings, "acme", "chatwoot") == ["acme-cw"]
    assert secrets_for(settings, "default", "chatwoot") == ["global-cw"]
    assert secrets_for(settings, "other", "chatwoot") == []
    assert secrets_for(settings, "acme", "zammad") == []
    assert secrets_for(settings, "default", "zammad") == []
    assert json.dumps(secrets_for(settings, "acme", "chatwoot"))


def test_several_secrets_per_tenant_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The JSON setting takes a list per helpdesk, and the old single string still works."""
    from service.config import Settings

    monkeypatch.setenv("TONEGUARD_WEBHOOK_SECRETS", json.dumps(
        {"acme": {"chatwoot": ["account-wh", "inbox-wh"], "zammad": "zm"}}))
    monkeypatch.setenv("TONEGUARD_WEBHOOK_TOKENS", json.dumps({"acme": {"chatwoot": "tok"}}))
    settings = Settings()
    assert secrets_for(settings, "acme", "chatwoot") == ["account-wh", "inbox-wh"]
    assert secrets_for(settings, "acme", "zammad") == ["zm"]
    assert tokens_for(settings, "acme", "chatwoot") == ["tok"]
    assert "account-wh" not in repr(settings) and "tok" not in str(settings.webhook_tokens)


def test_chatwoot_signature_with_any_of_several_secrets() -> None:
    body = _raw("chatwoot_message_created.json")
    for secret in ("account-webhook-secret", "inbox-webhook-secret"):
        signature, stamp = _chatwoot_headers(body, secret=secret)
        chatwoot.verify(body, signature, stamp, ["account-webhook-secret", "inbox-webhook-secret"])
    signature, stamp = _chatwoot_headers(body, secret="third")
    with pytest.raises(SignatureError):
        chatwoot.verify(body, signature, stamp, ["account-webhook-secret", "inbox-webhook-secret"])
    with pytest.raises(SignatureError):
        chatwoot.verify(body, signature, stamp, [])


def test_url_tokens() -> None:
    check_token("t-1", ["t-0", "t-1"])
    for given in ("t-2", "", None, "t-1 ", "T-1"):
        with pytest.raises(SignatureError):
            check_token(given, ["t-0", "t-1"])
    with pytest.raises(SignatureError):
        check_token("t-1", [])


def test_access_log_lines_never_show_the_token() -> None:
    """uvicorn's access log call, as uvicorn makes it, passes through the redaction filter."""
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "POST", "/v1/webhooks/chatwoot?tenant=acme&token=s3cr3t-t0ken",
         "1.1", 200), None)
    assert RedactTokens().filter(record)
    line = record.getMessage()
    assert "s3cr3t-t0ken" not in line and "token=***" in line and "tenant=acme" in line
    assert redact("/x?token=abc&tenant=a") == "/x?token=***&tenant=a"


# -- Long texts ----------------------------------------------------------------------------


def test_long_thread_is_kept_and_only_the_clients_own_text_is_read() -> None:
    msg = chatwoot.parse(_raw("chatwoot_email_long_thread.json"))
    assert isinstance(msg, IncomingMessage)
    assert len(msg.text) > 20_000
    sized = size_message(msg, 20_000, 200_000)
    assert sized.message.text == msg.text
    assert (sized.classify_end, sized.truncated, sized.stored_trimmed) == (None, False, False)
    assert sized.own_chars is not None and sized.own_chars < 1_000


def test_own_text_over_the_limit_is_cut_at_a_word() -> None:
    own = " ".join(f"word{i}" for i in range(3_000))  # ~26k characters, nothing quoted
    msg = IncomingMessage(message_id="m", client_id="c", text=own + "\n\n> quoted\n> more")
    sized = size_message(msg, 20_000, 200_000)
    assert sized.truncated and sized.classify_end is not None
    assert 19_900 < sized.classify_end <= 20_000
    assert msg.text[sized.classify_end - 1] == " "


def test_text_over_the_storage_cap_is_trimmed_with_a_note() -> None:
    msg = IncomingMessage(message_id="m", client_id="c", text="a " * 30_000)
    sized = size_message(msg, 20_000, 25_000)
    assert sized.stored_trimmed and sized.received_chars == 60_000
    assert len(sized.message.text) <= 25_000
    assert sized.message.text.endswith("of 60000 characters received are kept]")
