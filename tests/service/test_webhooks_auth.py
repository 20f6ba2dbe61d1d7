"""Webhook authentication: several secrets per tenant, and URL tokens for unsigned senders.

Chatwoot signs account webhooks only from 4.11.2 (API-inbox and bot webhooks from 4.13.0)
and keeps one secret per webhook, so a tenant may need a token, several secrets, or both.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from pydantic import SecretStr

from service.integrations.tokens import RedactTokens
from tests.service.test_webhooks_api import _raw, chatwoot_post, zammad_post
from tests.service.webhook_jobs import processed

ACCOUNT_WH, INBOX_WH = "account-webhook-secret", "inbox-webhook-secret"
ZM_OLD, ZM_NEW = "zammad-old", "zammad-new"
CW_TOKEN, GLOBEX_TOKEN, ZM_TOKEN = "cw-url-token-1", "globex-url-token", "zm-url-token"


@pytest.fixture
def app_settings(app_settings: Any) -> Any:
    secrets = {
        "acme": {"chatwoot": [SecretStr(ACCOUNT_WH), SecretStr(INBOX_WH)],
                 "zammad": [SecretStr(ZM_OLD), SecretStr(ZM_NEW)]},
    }
    tokens = {
        "acme": {"chatwoot": [SecretStr("cw-url-token-0"), SecretStr(CW_TOKEN)],
                 "zammad": SecretStr(ZM_TOKEN)},
        "globex": {"chatwoot": SecretStr(GLOBEX_TOKEN)},  # a token and no signing secret
    }
    return app_settings.model_copy(update={"webhook_secrets": secrets, "webhook_tokens": tokens})


def unsigned(api: Any, helpdesk: str, body: bytes, params: dict[str, str]) -> Any:
    """A delivery as Chatwoot before 4.11.2 sends it: no signature headers at all."""
    return api.client.post(f"/v1/webhooks/{helpdesk}", params=params, content=body,
                           headers={"Content-Type": "application/json"})


def test_both_chatwoot_webhooks_of_one_tenant_verify(api: Any) -> None:
    """An account webhook and an inbox webhook, each with its own secret, for one tenant."""
    first = chatwoot_post(api, _raw("chatwoot_message_created.json"), secret=ACCOUNT_WH)
    second = chatwoot_post(api, _raw("chatwoot_email_html.json"), secret=INBOX_WH)
    assert processed(api, first)["status"] == "ingested", first.text
    assert processed(api, second)["status"] == "ingested", second.text
    other = chatwoot_post(api, _raw("chatwoot_outgoing.json"), secret="some-third-secret")
    assert other.status_code == 401


def test_both_zammad_secrets_verify(api: Any) -> None:
    body = _raw("zammad_customer_article.json")
    assert processed(api, zammad_post(api, body, secret=ZM_OLD))["status"] == "ingested"
    assert zammad_post(api, body, secret=ZM_NEW).json()["status"] == "duplicate"


def test_unsigned_delivery_with_the_url_token_is_accepted(api: Any) -> None:
    body = _raw("chatwoot_message_created.json")
    r = unsigned(api, "chatwoot", body, {"tenant": "acme", "token": CW_TOKEN})
    assert processed(api, r)["status"] == "ingested", r.text
    assert api.get("/v1/messages/chatwoot:2:4821").status_code == 200


def test_token_only_tenant_and_zammad_token(api: Any) -> None:
    r = unsigned(api, "chatwoot", _raw("chatwoot_message_created.json"),
                 {"tenant": "globex", "token": GLOBEX_TOKEN})
    processed(api, r)
    assert api.get("/v1/clients/chatwoot:2:311", key=api.key_b).json()["messages_seen"] == 1
    r = unsigned(api, "zammad", _raw("zammad_customer_article.json"),
                 {"tenant": "acme", "token": ZM_TOKEN})
    assert processed(api, r)["status"] == "ingested"


@pytest.mark.parametrize(
    ("case", "params"),
    [
        ("wrong token", {"tenant": "acme", "token": "cw-url-token-2"}),
        ("empty token", {"tenant": "acme", "token": ""}),
        ("no token, no signature", {"tenant": "acme"}),
        ("token-only tenant without token", {"tenant": "globex"}),
        ("acme's token for globex", {"tenant": "globex", "token": CW_TOKEN}),
        ("globex's token for acme", {"tenant": "acme", "token": GLOBEX_TOKEN}),
        ("zammad's token for chatwoot", {"tenant": "acme", "token": ZM_TOKEN}),
        ("tenant with nothing configured", {"tenant": "initech", "token": CW_TOKEN}),
    ],
)
def test_unsigned_deliveries_without_the_right_token_are_401(
    api: Any, case: str, params: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        r = unsigned(api, "chatwoot", _raw("chatwoot_message_created.json"), params)
    assert r.status_code == 401, case
    assert r.json()["error"] == "unauthorized" and r.json()["detail"]
    token = params.get("token")
    if token:
        assert token not in r.text
        # (The test client's own request log is not the service's.)
        ours = [rec.getMessage() for rec in caplog.records
                if rec.name.split(".")[0] in ("service", "uvicorn", "fastapi")]
        assert not [line for line in ours if token in line]
    assert api.get("/v1/messages").json()["total"] == 0


def test_a_signature_still_suffices_without_a_token(api: Any) -> None:
    r = chatwoot_post(api, _raw("chatwoot_message_created.json"), secret=INBOX_WH)
    assert r.status_code == 202
    # A right token with a bad signature: either proof of origin is enough.
    r = api.client.post("/v1/webhooks/chatwoot", params={"tenant": "acme", "token": CW_TOKEN},
                        content=_raw("chatwoot_email_html.json"),
                        headers={"X-Chatwoot-Signature": "sha256=" + "0" * 64,
                                 "X-Chatwoot-Timestamp": "1"})
    assert r.status_code == 202, r.text


def test_token_is_documented_and_kept_out_of_access_logs(api: Any) -> None:
    spec = api.client.get("/openapi.json").json()
    params = {p["name"] for p in spec["paths"]["/v1/webhooks/chatwoot"]["post"]["parameters"]}
    assert {"tenant", "token"} <= params
    assert any(isinstance(f, RedactTokens) for f in logging.getLogger("uvicorn.access").filters)
