"""The per-worker cache of verified API keys: expiry, invalidation, revocation."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import update

from service.context import TenantContext
from service.db.models import ApiKey
from service.tenants import KeyCache, hash_key


def test_entries_expire_and_a_tenant_can_be_forgotten(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [100.0]
    monkeypatch.setattr("service.tenants.time.monotonic", lambda: now[0])
    cache = KeyCache(ttl=5.0)
    acme, globex = TenantContext(1, "acme"), TenantContext(2, "globex")
    cache.put("a1", acme)
    cache.put("a2", acme)
    cache.put("g1", globex)
    assert cache.get("a1") == acme
    cache.forget_tenant(1)
    assert cache.get("a1") is None and cache.get("a2") is None and cache.get("g1") == globex
    now[0] += 5.0
    assert cache.get("g1") is None


def test_zero_ttl_keeps_nothing_and_size_is_bounded() -> None:
    off = KeyCache(ttl=0.0)
    off.put("k", TenantContext(1, "acme"))
    assert off.get("k") is None
    small = KeyCache(ttl=60.0, max_entries=3)
    for n in range(10):
        small.put(f"k{n}", TenantContext(n, f"t{n}"))
    assert len(small._entries) <= 3 and small.get("k9") is not None


def _revoke(api: Any, key: str) -> None:
    with api.services.db.session() as s:
        s.execute(update(ApiKey).where(ApiKey.key_hash == hash_key(key))
                  .values(revoked_at=datetime.now(UTC)))
        s.commit()


def test_a_revoked_key_is_refused_once_its_entry_is_gone(api: Any) -> None:
    assert api.get("/v1/tenant").status_code == 200  # verified and cached
    _revoke(api, api.key_a)
    assert api.get("/v1/tenant").status_code == 200  # still trusted within the TTL
    api.services.keys._entries.clear()  # as when the TTL runs out
    r = api.get("/v1/tenant")
    assert r.status_code == 401 and r.json()["detail"] == "invalid API key"
    assert api.get("/v1/tenant", key=api.key_b).status_code == 200


def test_new_business_hours_apply_at_once_in_this_worker(api: Any) -> None:
    assert api.get("/v1/tenant").json()["business_hours_is_default"] is True  # cached
    hours = {"timezone": "Asia/Tokyo", "weekly": {"tue": [["09:00", "17:00"]]}}
    assert api.client.put("/v1/tenant/business-hours", json=hours,
                          headers=api.h()).status_code == 200
    assert api.get("/v1/tenant").json()["business_hours"]["timezone"] == "Asia/Tokyo"
    assert api.client.delete("/v1/tenant/business-hours", headers=api.h()).status_code == 200
    assert api.get("/v1/tenant").json()["business_hours_is_default"] is True
