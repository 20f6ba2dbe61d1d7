"""Key administration: list and revoke API keys from the CLI and the API; a revoked key
gets 401 (at once in the worker that revoked it, within auth_cache_seconds elsewhere)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from service.cli import app
from service.db.models import ApiKey, Tenant
from service.keys import revoke_key
from service.tenants import create_key, hash_key, tenant_for_key
from tests.fixtures.db import DbTarget

runner = CliRunner()
CACHE_SECONDS = 0.5


@pytest.fixture
def app_settings(app_settings: Any) -> Any:
    """The shared API settings with a short auth cache, so its expiry can be waited for."""
    return app_settings.model_copy(update={"auth_cache_seconds": CACHE_SECONDS})


@pytest.fixture
def cli_env(db_target: DbTarget, monkeypatch: pytest.MonkeyPatch) -> DbTarget:
    monkeypatch.setenv("TONEGUARD_DATABASE_URL", db_target.url)
    if db_target.schema:
        monkeypatch.setenv("TONEGUARD_DATABASE_SCHEMA", db_target.schema)
    return db_target


def _keys(migrated_db: Any, *tenants: str) -> list[str]:
    with migrated_db.session() as s:
        return [create_key(s, t) for t in tenants]


def _row(migrated_db: Any, key: str) -> ApiKey:
    with migrated_db.session() as s:
        return s.scalars(select(ApiKey).where(ApiKey.key_hash == hash_key(key))).one()


def test_keys_list_shows_prefix_tenant_and_dates_never_the_key(cli_env, migrated_db) -> None:
    acme1, acme2, globex = _keys(migrated_db, "acme", "acme", "globex")
    result = runner.invoke(app, ["keys", "list"])
    assert result.exit_code == 0, result.output
    for key in (acme1, acme2, globex):
        assert key not in result.stdout and key[:10] in result.stdout
    assert result.stdout.splitlines()[0].split() == ["id", "prefix", "tenant", "created",
                                                     "revoked"]
    only = runner.invoke(app, ["keys", "list", "--tenant", "globex"])
    assert globex[:10] in only.stdout and acme1[:10] not in only.stdout
    none = runner.invoke(app, ["keys", "list", "--tenant", "nobody"])
    assert none.exit_code == 0 and "no keys" in none.stderr


def test_keys_revoke_by_prefix_or_id(cli_env, migrated_db) -> None:
    key1, key2 = _keys(migrated_db, "acme", "acme")
    result = runner.invoke(app, ["keys", "revoke", key1[:10]])
    assert result.exit_code == 0 and f"revoked key {key1[:10]}" in result.stdout
    with migrated_db.session() as s:
        assert tenant_for_key(s, key1) is None
        assert tenant_for_key(s, key2).name == "acme"  # the other key still works
    listed = runner.invoke(app, ["keys", "list"]).stdout.splitlines()
    line = next(x for x in listed if key1[:10] in x)
    assert line.rstrip().endswith("UTC") and line.count("UTC") == 2  # created and revoked

    by_id = runner.invoke(app, ["keys", "revoke", str(_row(migrated_db, key2).id)])
    assert by_id.exit_code == 0
    twice = runner.invoke(app, ["keys", "revoke", key1[:10]])
    assert twice.exit_code == 0 and "already revoked" in twice.stdout
    for bad in ("tg_doesnotexist", "999999", "x"):
        missing = runner.invoke(app, ["keys", "revoke", bad])
        assert missing.exit_code == 1 and "error:" in missing.stderr


def test_keys_revoke_refuses_an_ambiguous_prefix_and_a_wrong_tenant(cli_env, migrated_db
                                                                    ) -> None:
    (key,) = _keys(migrated_db, "acme")
    with migrated_db.session() as s:
        tenant_id = s.scalar(select(Tenant.id).where(Tenant.name == "acme"))
        s.add_all([ApiKey(tenant_id=tenant_id, key_hash="a" * 64, prefix="tg_Same001"),
                   ApiKey(tenant_id=tenant_id, key_hash="b" * 64, prefix="tg_Same002")])
        s.commit()
    amb = runner.invoke(app, ["keys", "revoke", "tg_Same"])
    assert amb.exit_code == 1 and "several keys" in amb.stderr
    other = runner.invoke(app, ["keys", "revoke", key[:10], "--tenant", "globex"])
    assert other.exit_code == 1 and "globex" in other.stderr
    with migrated_db.session() as s:
        assert tenant_for_key(s, key) is not None


def test_api_lists_only_the_tenants_own_keys(api) -> None:
    body = api.get("/v1/keys").json()
    assert body["tenant"] == "acme" and len(body["items"]) == 1
    item = body["items"][0]
    assert item["prefix"] == api.key_a[:10] and item["current"] and item["active"]
    assert set(item) == {"id", "prefix", "created_at", "revoked_at", "active", "current"}
    assert api.key_a not in str(body)
    other = api.get("/v1/keys", key=api.key_b).json()
    assert [i["prefix"] for i in other["items"]] == [api.key_b[:10]]


def test_api_creates_and_revokes_a_key_which_then_gets_401(api) -> None:
    created = api.post("/v1/keys", {})
    assert created.status_code == 201
    new = created.json()
    assert new["key"].startswith(new["prefix"]) and not new["current"]
    assert api.get("/v1/tenant", key=new["key"]).status_code == 200  # works, and is cached

    revoked = api.delete(f"/v1/keys/{new['id']}")
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    refused = api.get("/v1/tenant", key=new["key"])
    assert refused.status_code == 401 and refused.json()["error"] == "unauthorized"
    again = api.delete(f"/v1/keys/{new['id']}")
    assert again.status_code == 200 and again.json()["revoked_at"] == revoked.json()["revoked_at"]


def test_api_refuses_to_revoke_the_key_in_use_unless_told(api) -> None:
    own_id = api.get("/v1/keys").json()["items"][0]["id"]
    refused = api.delete(f"/v1/keys/{own_id}")
    assert refused.status_code == 409 and "allow_current=true" in refused.json()["detail"]
    assert api.get("/v1/tenant").status_code == 200
    done = api.delete(f"/v1/keys/{own_id}?allow_current=true")
    assert done.status_code == 200 and done.json()["current"] and not done.json()["active"]
    assert api.get("/v1/tenant").status_code == 401


def test_api_cannot_touch_another_tenants_key(api) -> None:
    globex_id = api.get("/v1/keys", key=api.key_b).json()["items"][0]["id"]
    r = api.delete(f"/v1/keys/{globex_id}")
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    assert api.get("/v1/tenant", key=api.key_b).status_code == 200
    assert api.delete("/v1/keys/0").status_code == 422
    assert api.delete("/v1/keys/abc").status_code == 422


def test_a_key_revoked_elsewhere_is_refused_within_the_auth_cache_time(api) -> None:
    assert api.get("/v1/tenant", key=api.key_b).status_code == 200  # now cached
    with api.services.db.session() as s:  # as `toneguard keys revoke` or another worker does
        row = s.scalars(select(ApiKey).where(ApiKey.key_hash == hash_key(api.key_b))).one()
        revoke_key(s, row, "globex")
    time.sleep(CACHE_SECONDS + 0.2)
    assert api.get("/v1/tenant", key=api.key_b).status_code == 401
