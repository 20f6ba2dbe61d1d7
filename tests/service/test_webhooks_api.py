"""POST /v1/webhooks/chatwoot and /v1/webhooks/zammad through the real app and database."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from service.integrations.signatures import sign
from tests.service.webhook_jobs import processed

PAYLOADS = Path(__file__).parent / "payloads"
ACME_CW, ACME_ZM, GLOBEX_ZM = "acme-chatwoot-secret", "acme-zammad-secret", "globex-zammad"


@pytest.fixture
def app_settings(app_settings: Any) -> Any:
    secrets = {
        "acme": {"chatwoot": SecretStr(ACME_CW), "zammad": SecretStr(ACME_ZM)},
        "globex": {"zammad": SecretStr(GLOBEX_ZM)},
        "ghost": {"zammad": SecretStr("ghost-secret")},  # configured, but no such tenant
    }
    return app_settings.model_copy(update={"webhook_secrets": secrets})


def _raw(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def chatwoot_post(api: Any, body: bytes, tenant: str = "acme", secret: str = ACME_CW,
                  ts: int | None = None, headers: dict[str, str] | None = None) -> Any:
    stamp = str(int(time.time()) if ts is None else ts)
    sent = {
        "Content-Type": "application/json",
        "X-Chatwoot-Timestamp": stamp,
        "X-Chatwoot-Signature": sign(secret, stamp.encode() + b"." + body, "sha256"),
    }
    sent.update(headers or {})
    return api.client.post("/v1/webhooks/chatwoot", params={"tenant": tenant}, content=body,
                           headers=sent)


def zammad_post(api: Any, body: bytes, tenant: str = "acme", secret: str = ACME_ZM,
                signature: str | None = None) -> Any:
    headers = {"Content-Type": "application/json", "X-Zammad-Trigger": "toneguard",
               "X-Zammad-Delivery": "6c1f0a9e", "X-Hub-Signature":
               signature if signature is not None else sign(secret, body, "sha1")}
    return api.client.post("/v1/webhooks/zammad", params={"tenant": tenant}, content=body,
                           headers=headers)


def test_chatwoot_message_is_ingested_once(api: Any) -> None:
    body = _raw("chatwoot_message_created.json")
    r = chatwoot_post(api, body)
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "accepted"
    out = processed(api, r)
    assert out["status"] == "ingested"
    assert out["message_id"] == "chatwoot:2:4821" and out["client_id"] == "chatwoot:2:311"
    # Chatwoot retries a delivery it thinks failed: new timestamp, same message.
    again = chatwoot_post(api, body, ts=int(time.time()) - 10)
    assert again.status_code == 202 and again.json()["status"] == "duplicate"
    assert again.json()["job_id"] == r.json()["job_id"]
    client = api.get("/v1/clients/chatwoot:2:311").json()
    assert client["messages_seen"] == 1
    stored = api.get("/v1/messages/chatwoot:2:4821").json()
    assert stored["text"].startswith("Я третий день жду ответа!")
    assert stored["channel"] == "chatwoot"
    # Tenant isolation: the other tenant sees nothing.
    assert api.get("/v1/clients/chatwoot:2:311", key=api.key_b).status_code == 404


@pytest.mark.parametrize(
    ("case", "kwargs"),
    [
        ("wrong secret", {"secret": "not-the-secret"}),
        ("stale", {"ts": int(time.time()) - 3600}),
        ("no signature", {"headers": {"X-Chatwoot-Signature": ""}}),
        ("garbage signature", {"headers": {"X-Chatwoot-Signature": "sha256=zz"}}),
        ("no timestamp", {"headers": {"X-Chatwoot-Timestamp": ""}}),
        ("acme's secret for globex", {"tenant": "globex"}),
        ("tenant without secrets", {"tenant": "initech"}),
    ],
)
def test_chatwoot_bad_signatures_are_401(api: Any, case: str, kwargs: dict[str, Any]) -> None:
    r = chatwoot_post(api, _raw("chatwoot_message_created.json"), **kwargs)
    assert r.status_code == 401, case
    assert r.json()["error"] == "unauthorized"
    assert api.get("/v1/messages").json()["total"] == 0


def test_chatwoot_tampered_body_is_401(api: Any) -> None:
    body = _raw("chatwoot_message_created.json")
    stamp = str(int(time.time()))
    signature = sign(ACME_CW, stamp.encode() + b"." + body, "sha256")
    r = api.client.post("/v1/webhooks/chatwoot?tenant=acme", content=body.replace(b"311", b"312"),
                        headers={"X-Chatwoot-Timestamp": stamp, "X-Chatwoot-Signature": signature})
    assert r.status_code == 401


@pytest.mark.parametrize(
    "name",
    ["chatwoot_outgoing.json", "chatwoot_private_note.json", "chatwoot_attachment_only.json",
     "chatwoot_conversation_created.json"],
)
def test_chatwoot_ignored_events_are_2xx_and_store_nothing(api: Any, name: str) -> None:
    r = chatwoot_post(api, _raw(name))
    assert r.status_code == 200
    assert r.json()["status"] == "ignored" and r.json()["reason"]
    assert api.get("/v1/messages").json()["total"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_raw("chatwoot_missing_account.json"), "account"),
        (b'{"event": "message_created", "id": 5, "private": false}', "message_type"),
        (b"<xml/>", "body"),
    ],
)
def test_chatwoot_malformed_payload_is_422_naming_the_field(api: Any, body: bytes,
                                                            field: str) -> None:
    r = chatwoot_post(api, body)
    assert r.status_code == 422
    assert r.json()["detail"]["field"] == field


def test_chatwoot_unknown_tenant_name_is_rejected(api: Any) -> None:
    r = chatwoot_post(api, _raw("chatwoot_message_created.json"), tenant="bad name!")
    assert r.status_code == 422


def test_zammad_customer_article_is_ingested_once(api: Any) -> None:
    body = _raw("zammad_customer_article.json")
    first = processed(api, zammad_post(api, body))
    assert first["status"] == "ingested"
    assert first["client_id"] == "zammad:87"
    assert zammad_post(api, body).json()["status"] == "duplicate"
    stored = api.get("/v1/messages/zammad:2219").json()
    assert "<div>" not in stored["text"]
    assert stored["text"].startswith("Das ist eine Frechheit!")
    assert stored["subject"] == "AW: Beschädigte Lieferung"
    assert api.get("/v1/clients/zammad:87").json()["messages_seen"] == 1


def test_zammad_same_article_goes_to_the_tenant_in_the_url(api: Any) -> None:
    body = _raw("zammad_plain_calm.json")
    processed(api, zammad_post(api, body, tenant="globex", secret=GLOBEX_ZM))
    assert api.get("/v1/clients/zammad:90", key=api.key_b).json()["messages_seen"] == 1
    assert api.get("/v1/clients/zammad:90").status_code == 404


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"secret": "wrong"}, 401),
        ({"signature": ""}, 401),
        ({"signature": "sha256=" + "0" * 64}, 401),
        ({"tenant": "globex"}, 401),  # signed with acme's secret
        ({"tenant": "ghost", "secret": "ghost-secret"}, 404),  # good signature, no tenant
    ],
)
def test_zammad_rejections(api: Any, kwargs: dict[str, Any], status: int) -> None:
    r = zammad_post(api, _raw("zammad_customer_article.json"), **kwargs)
    assert r.status_code == status, r.text
    assert api.get("/v1/messages").json()["total"] == 0


@pytest.mark.parametrize(
    "name",
    ["zammad_agent_article.json", "zammad_internal_note.json", "zammad_attachment_only.json",
     "zammad_ticket_without_article.json"],
)
def test_zammad_ignored_articles(api: Any, name: str) -> None:
    r = zammad_post(api, _raw(name))
    assert r.status_code == 200 and r.json()["status"] == "ignored"
    assert api.get("/v1/messages").json()["total"] == 0


def test_zammad_missing_customer_is_422(api: Any) -> None:
    r = zammad_post(api, _raw("zammad_missing_customer.json"))
    assert r.status_code == 422
    assert r.json()["detail"]["field"] == "ticket.customer_id"


def test_webhooks_are_in_openapi(api: Any) -> None:
    spec = api.client.get("/openapi.json").json()
    assert "post" in spec["paths"]["/v1/webhooks/chatwoot"]
    params = {p["name"] for p in spec["paths"]["/v1/webhooks/zammad"]["post"]["parameters"]}
    assert {"tenant", "X-Hub-Signature"} <= params
    assert json.dumps(spec)
