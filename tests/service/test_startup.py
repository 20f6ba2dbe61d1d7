"""Start-up: migrations, the first tenant's key in a 0600 file (never in the log), the model
loaded from model_dir with the configured default language."""

from __future__ import annotations

import logging
import stat

from fastapi.testclient import TestClient

from service.config import Settings
from service.main import create_app


def test_first_start_creates_default_tenant_and_hands_its_key_over_in_a_private_file(
    db_target, tiny_classifier_dir, tmp_path, caplog
):
    settings = Settings(database_url=db_target.url, database_schema=db_target.schema,
                        model_dir=tiny_classifier_dir, replies_mode="rules",
                        data_dir=tmp_path / "data")
    key_file = tmp_path / "data" / "api-key-default.txt"
    caplog.set_level(logging.INFO)
    with TestClient(create_app(settings)) as client:
        key = key_file.read_text().strip()
        assert key.startswith("tg_")
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert key not in caplog.text and key[3:12] not in caplog.text
        assert f"API key for tenant default written to {key_file}" in caplog.text
        ready = client.get("/readyz").json()
        assert ready["model"]["name"] == "toneguard-tiny"
        r = client.post("/v1/classify", json={"messages": [{"text": "hello"}]},
                        headers={"X-API-Key": key})
        assert r.status_code == 200
    caplog.clear()
    key_file.unlink()
    with TestClient(create_app(settings)) as client:  # second start: no new key
        assert "API key for tenant" not in caplog.text and not key_file.exists()
        assert client.get("/v1/clients", headers={"X-API-Key": key}).status_code == 200


def test_a_greeting_is_read_in_the_configured_default_language(
    db_target, tiny_classifier_dir, tmp_path
):
    settings = Settings(database_url=db_target.url, database_schema=db_target.schema,
                        model_dir=tiny_classifier_dir, replies_mode="off",
                        data_dir=tmp_path, default_language="de")
    with TestClient(create_app(settings)) as client:
        key = (tmp_path / "api-key-default.txt").read_text().strip()
        r = client.post("/v1/classify", headers={"X-API-Key": key}, json={"messages": [
            {"text": "Hallo!"}, {"text": "Привет"},
            {"text": "Hello, I have a question about my last invoice, please."}]})
        assert [m["lang"] for m in r.json()["results"]] == ["de", "ru", "en"]
