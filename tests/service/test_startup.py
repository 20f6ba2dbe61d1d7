"""Start-up: migrations, the first tenant's key in the log, model loaded from model_dir."""

from __future__ import annotations

import logging
import re

from fastapi.testclient import TestClient

from service.config import Settings
from service.main import create_app


def test_first_start_creates_default_tenant_and_logs_its_key(
    db_target, tiny_classifier_dir, caplog
):
    settings = Settings(database_url=db_target.url, database_schema=db_target.schema,
                        model_dir=tiny_classifier_dir, replies_mode="rules")
    caplog.set_level(logging.INFO)
    with TestClient(create_app(settings)) as client:
        found = re.search(r"API key for tenant default: (tg_\S+)", caplog.text)
        assert found, caplog.text
        key = found.group(1)
        ready = client.get("/readyz").json()
        assert ready["model"]["name"] == "toneguard-tiny"
        r = client.post("/v1/classify", json={"messages": [{"text": "hello"}]},
                        headers={"X-API-Key": key})
        assert r.status_code == 200
    caplog.clear()
    with TestClient(create_app(settings)) as client:  # second start: no new key
        assert "API key for tenant" not in caplog.text
        assert client.get("/v1/clients", headers={"X-API-Key": key}).status_code == 200
