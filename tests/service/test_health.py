"""Health, readiness, metrics and the OpenAPI docs need no key."""

from __future__ import annotations

from tests.service.helpers import ingest


def test_healthz_and_readyz(api):
    assert api.client.get("/healthz").json() == {"status": "ok"}
    r = api.client.get("/readyz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ready" and body["model"]["loaded"] is True
    assert body["database"]["reachable"] is True


def test_readyz_reports_unreachable_database(api):
    api.services.db.engine.dispose()
    original = api.services.db.ping
    api.services.db.ping = lambda: False
    try:
        r = api.client.get("/readyz")
        assert r.status_code == 503 and r.json()["database"]["reachable"] is False
    finally:
        api.services.db.ping = original


def test_metrics_count_requests_labels_and_inference(api):
    ingest(api, "mx")
    api.post("/v1/classify", {"messages": [{"text": "a"}, {"text": "b"}]})
    api.get("/v1/clients/nobody")
    text = api.client.get("/metrics").text
    assert 'toneguard_http_requests_total{method="POST",route="/v1/messages",status="200"} 1.0' \
        in text
    assert 'route="/v1/clients/{client_id}",status="404"' in text
    assert "toneguard_model_inference_seconds_count 2.0" in text
    assert "toneguard_model_messages_total 3.0" in text
    assert "toneguard_messages_ingested_total 1.0" in text
    assert "toneguard_http_request_duration_seconds_bucket" in text


def test_openapi_docs(api):
    assert api.client.get("/docs").status_code == 200
    spec = api.client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in ("/v1/classify", "/v1/messages", "/v1/messages/{message_id}", "/v1/clients",
                 "/v1/clients/{client_id}", "/v1/feedback", "/healthz", "/readyz"):
        assert path in paths
    assert "X-API-Key" in str(spec["components"]["securitySchemes"])
