"""Long e-mail threads through the webhooks: stored, not refused; only the client's text is read.

Chatwoot does not retry account webhooks, so a 413 loses the message for good.
"""

from __future__ import annotations

import json
import logging
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import SecretStr

from tests.service.test_webhooks_api import ACME_CW, ACME_ZM, _raw, chatwoot_post, zammad_post
from tests.service.webhook_jobs import processed

CHATWOOT_LONG = "chatwoot_email_long_thread.json"
ZAMMAD_LONG = "zammad_long_thread.json"


@pytest.fixture
def app_settings(app_settings: Any) -> Any:
    secrets = {"acme": {"chatwoot": SecretStr(ACME_CW), "zammad": SecretStr(ACME_ZM)}}
    return app_settings.model_copy(update={"webhook_secrets": secrets})


def _own_text_end(text: str) -> int:
    """Where the client's own reply ends in the fixtures: the reply header follows it."""
    for header in ("\n\nOn Wed, 25 Nov 2026", "\n\nAm 25.11.2026"):
        if header in text:
            return text.index(header)
    raise AssertionError("fixture changed")


def _assert_read_only_the_reply(stored: dict[str, Any]) -> None:
    text = stored["text"]
    own_end = _own_text_end(text)
    # The quoted history is recorded as ignored, from the reply header to the end.
    assert any(a <= own_end + 2 and b == len(text) for a, b in stored["ignored_ranges"]), \
        stored["ignored_ranges"]
    for span in stored.get("spans") or []:
        assert span["end"] <= own_end


def test_chatwoot_long_email_thread_is_stored_whole_and_classified(api: Any) -> None:
    body = _raw(CHATWOOT_LONG)
    content = json.loads(body)["content"]
    assert len(content) > api.services.settings.max_text_chars
    out = processed(api, chatwoot_post(api, body))
    assert out["status"] == "ingested"
    assert out["truncated"] is False and out["stored_trimmed"] is False
    assert out["received_chars"] == len(content)
    stored = api.get("/v1/messages/chatwoot:2:90412").json()
    assert stored["text"] == content
    assert stored["subject"] == "Re: Order 58213: damaged hinge, second replacement"
    _assert_read_only_the_reply(stored)
    assert api.get("/v1/clients/chatwoot:2:733").json()["messages_seen"] == 1
    assert chatwoot_post(api, body).json()["status"] == "duplicate"


def test_zammad_long_html_thread_is_stored_whole_and_classified(api: Any) -> None:
    out = processed(api, zammad_post(api, _raw(ZAMMAD_LONG)))
    assert out["status"] == "ingested" and out["truncated"] is False
    stored = api.get("/v1/messages/zammad:9117").json()
    assert len(stored["text"]) > api.services.settings.max_text_chars
    assert stored["text"].startswith("Guten Tag,")
    assert "Am 26.10.2026 um 07:30 schrieb Jonas Weber" in stored["text"]
    _assert_read_only_the_reply(stored)


@pytest.mark.parametrize("limit", [120])
def test_own_text_over_the_limit_is_classified_in_part_and_says_so(
    api: Any, limit: int, caplog: pytest.LogCaptureFixture
) -> None:
    api.services.settings.max_text_chars = limit
    with caplog.at_level(logging.INFO, logger="service.integrations.long_text"):
        out = processed(api, chatwoot_post(api, _raw(CHATWOOT_LONG)))
    assert out["truncated"] is True
    assert any("only the first 120 are classified" in m for m in caplog.messages)
    stored = api.get("/v1/messages/chatwoot:2:90412").json()
    text = stored["text"]
    # Everything past the classified part is listed as not read, up to the end.
    tail = [(a, b) for a, b in stored["ignored_ranges"] if b == len(text)]
    assert tail and min(a for a, _ in tail) <= limit
    for span in stored.get("spans") or []:
        assert span["end"] <= limit


def test_text_over_the_storage_cap_is_stored_trimmed_and_says_so(api: Any) -> None:
    api.services.settings.webhook_max_stored_chars = 5_000
    out = processed(api, chatwoot_post(api, _raw(CHATWOOT_LONG)))
    assert out["stored_trimmed"] is True and out["truncated"] is False
    stored = api.get("/v1/messages/chatwoot:2:90412").json()
    assert len(stored["text"]) <= 5_000
    assert stored["text"].startswith("Hello,\n\nThis is my fifth message")
    assert stored["text"].endswith(f"of {out['received_chars']} characters received "
                                   "are kept]")


def test_webhook_body_limit_is_separate_from_the_api_limit(app_settings: Any,
                                                           test_classifier: Any,
                                                           rules_suggester: Any) -> None:
    from fastapi.testclient import TestClient

    from service.main import create_app
    from service.tenants import create_key

    body = _raw(CHATWOOT_LONG)  # ~127 kB
    settings = app_settings.model_copy(update={"max_body_bytes": 50_000,
                                               "webhook_max_body_bytes": 200_000})
    app = create_app(settings, classifier=test_classifier, suggester=rules_suggester)
    with TestClient(app, raise_server_exceptions=False) as client:
        with app.state.services.db.session() as s:
            key = create_key(s, "acme")
        api = SimpleNamespace(client=client)
        assert chatwoot_post(api, body).status_code == 202
        # The API keeps its own, smaller limit.
        big = {"message_id": "m1", "client_id": "c1", "text": "x" * 60_000}
        r = client.post("/v1/messages", json=big, headers={"X-API-Key": key})
        assert r.status_code == 413
        # Past the webhook limit: 413 with the usual JSON error.
        huge = body.replace(b'"attachments": []', b'"attachments": [], "pad": "'
                            + b"x" * 120_000 + b'"', 1)
        r = chatwoot_post(api, huge)
        assert r.status_code == 413
        assert r.json()["error"] == "payload_too_large"
