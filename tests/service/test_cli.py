"""CLI verbs against a real database: keys create, export-feedback, db check."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from service.cli import app
from service.config import Settings
from service.context import Services
from service.db.models import LabelTally
from service.feedback import apply_feedback
from service.inference import InferenceEngine
from service.ingest import IncomingMessage, ingest_message
from service.tenants import tenant_for_key

runner = CliRunner()


@pytest.fixture
def cli_env(db_target, monkeypatch):
    monkeypatch.setenv("TONEGUARD_DATABASE_URL", db_target.url)
    if db_target.schema:
        monkeypatch.setenv("TONEGUARD_DATABASE_SCHEMA", db_target.schema)
    return db_target


def _create_key(tenant: str) -> str:
    result = runner.invoke(app, ["keys", "create", "--tenant", tenant])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def test_keys_create_prints_a_working_key_last(cli_env, migrated_db):
    key = _create_key("acme")
    key2 = _create_key("acme")
    assert key.startswith("tg_") and key != key2
    with migrated_db.session() as s:
        assert tenant_for_key(s, key).name == "acme"
        assert tenant_for_key(s, key2).name == "acme"
        assert tenant_for_key(s, key + "x") is None
    bad = runner.invoke(app, ["keys", "create", "--tenant", "  "])
    assert bad.exit_code == 2


def test_export_feedback_and_db_check(cli_env, migrated_db, test_classifier, tmp_path):
    key = _create_key("acme")
    settings = Settings()
    services = Services(settings=settings, db=migrated_db, engine=InferenceEngine(test_classifier))
    with migrated_db.session() as s:
        tenant = tenant_for_key(s, key)
    for i, text in enumerate(["Ты просто идиот", "Thanks, all good", "See you in court"]):
        asyncio.run(ingest_message(services, tenant, IncomingMessage(f"m{i}", "c", text)))
    with migrated_db.session() as s:
        apply_feedback(s, tenant.id, "m0", ["aggression"], 14.0, agent="olga")
        apply_feedback(s, tenant.id, "m2", ["threat"], 14.0)

    out = tmp_path / "feedback.jsonl"
    result = runner.invoke(app, ["export-feedback", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["text"], r["labels"]) for r in rows] == [
        ("Ты просто идиот", ["aggression"]), ("See you in court", ["threat"])]

    ok = runner.invoke(app, ["db", "check"])
    assert ok.exit_code == 0 and "match" in ok.output
    with migrated_db.session() as s:
        s.execute(update(LabelTally).where(LabelTally.label == "threat").values(n=42))
        s.commit()
    drift = runner.invoke(app, ["db", "check"])
    assert drift.exit_code == 1 and "count:threat" in drift.output
    fixed = runner.invoke(app, ["db", "check", "--repair"])
    assert fixed.exit_code == 0 and "repaired" in fixed.output
    assert runner.invoke(app, ["db", "check"]).exit_code == 0
