"""Tenants and their API keys. Keys are random, shown once, and stored only as sha256."""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.context import TenantContext
from service.db.models import ApiKey, Tenant
from service.db.session import Database

KEY_PREFIX = "tg_"
DEFAULT_TENANT = "default"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def create_key(session: Session, tenant_name: str) -> str:
    """Create the tenant if needed and a new key for it; returns the key (not stored)."""
    tenant = session.scalar(select(Tenant).where(Tenant.name == tenant_name))
    if tenant is None:
        tenant = Tenant(name=tenant_name)
        session.add(tenant)
        session.flush()
    key = new_key()
    session.add(ApiKey(tenant_id=tenant.id, key_hash=hash_key(key), prefix=key[:10]))
    session.commit()
    return key


def tenant_for_key(session: Session, key: str) -> TenantContext | None:
    row = session.execute(
        select(Tenant)
        .join(ApiKey, ApiKey.tenant_id == Tenant.id)
        .where(ApiKey.key_hash == hash_key(key), ApiKey.revoked_at.is_(None))
    ).scalar_one_or_none()
    if row is None:
        return None
    return TenantContext(id=row.id, name=row.name, business_hours=row.business_hours,
                         sensitivity=row.sensitivity)


class KeyCache:
    """Recently verified API keys, by hash, for `ttl` seconds: one database query saved per
    request (about 4% of a busy worker's time). Only valid keys are kept; a tenant's
    entries are dropped when this worker changes it, other workers see it after `ttl`."""

    def __init__(self, ttl: float, max_entries: int = 10_000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[str, tuple[float, TenantContext]] = {}

    def get(self, key_hash: str) -> TenantContext | None:
        hit = self._entries.get(key_hash)
        if hit is None:
            return None
        if hit[0] <= time.monotonic():
            self._entries.pop(key_hash, None)
            return None
        return hit[1]

    def put(self, key_hash: str, tenant: TenantContext) -> None:
        if self.ttl <= 0:
            return
        if len(self._entries) >= self.max_entries:
            self._entries.clear()  # bounded: rare, and the next requests refill it
        self._entries[key_hash] = (time.monotonic() + self.ttl, tenant)

    def forget(self, key_hash: str) -> None:
        """Drop one key (revoked here): this worker refuses it from the next request on."""
        self._entries.pop(key_hash, None)

    def forget_tenant(self, tenant_id: int) -> None:
        for h in [h for h, (_, t) in self._entries.items() if t.id == tenant_id]:
            self._entries.pop(h, None)


def cached_tenant_for_key(cache: KeyCache, db: Database, key: str) -> TenantContext | None:
    """`tenant_for_key` through the worker's cache."""
    digest = hash_key(key)
    tenant = cache.get(digest)
    if tenant is None:
        with db.session() as session:
            tenant = tenant_for_key(session, key)
        if tenant is not None:
            cache.put(digest, tenant)
    return tenant


def set_business_hours(session: Session, tenant_id: int, hours: dict | None) -> None:
    tenant = session.get(Tenant, tenant_id)
    if tenant is not None:
        tenant.business_hours = hours
        session.commit()


def set_sensitivity(session: Session, tenant_id: int, value: dict[str, Any] | None) -> None:
    """Store a tenant's sensitivity (service.sensitivity JSON; None = normal).

    Only messages classified from now on use it: stored labels are never rewritten."""
    tenant = session.get(Tenant, tenant_id)
    if tenant is not None:
        tenant.sensitivity = value
        session.commit()


def tenant_sensitivity(session: Session, tenant_id: int) -> dict[str, Any] | None:
    """The tenant's stored sensitivity as it is now (read fresh, not from the key cache)."""
    return session.scalar(select(Tenant.sensitivity).where(Tenant.id == tenant_id))


def write_key_file(folder: Path, tenant_name: str, key: str) -> Path:
    """Write `key` to `<folder>/api-key-<tenant>.txt`, readable by its owner only (0600).

    Replaces an older file of that name (a new database's first key); never follows a link.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"api-key-{tenant_name}.txt"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    try:
        os.fchmod(fd, 0o600)  # an existing file keeps its old mode through O_CREAT
        os.write(fd, (key + "\n").encode("ascii"))
    finally:
        os.close(fd)
    return path


def bootstrap_default_tenant(db: Database) -> str | None:
    """On a fresh database create tenant `default` and return its key; None otherwise.

    Several workers may race here; the unique tenant name lets exactly one win.
    """
    with db.session() as s:
        if s.scalar(select(Tenant.id).limit(1)) is not None:
            return None
        try:
            tenant = Tenant(name=DEFAULT_TENANT, created_at=datetime.now(UTC))
            s.add(tenant)
            s.flush()
            key = new_key()
            s.add(ApiKey(tenant_id=tenant.id, key_hash=hash_key(key), prefix=key[:10]))
            s.commit()
        except IntegrityError:
            s.rollback()
            return None
    return key
