"""Key administration: list a tenant's API keys and revoke one (CLI and API share this).

Listings show the stored prefix, never the key (only its sha256 is kept). A revoked key
stays in the table with `revoked_at`, so a listing tells what was cut off and when;
`tenant_for_key` refuses it from then on (other workers within their auth cache time).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db.models import ApiKey, Tenant
from service.tenants import KEY_PREFIX, hash_key

logger = logging.getLogger(__name__)
PREFIX_CHARS = 10  # what service.tenants stores of each new key


class KeyNotFound(LookupError):
    """No key matches the reference (in the tenant asked about)."""


class AmbiguousKey(LookupError):
    """A prefix that several keys share: the caller must name one by id."""


@dataclass(frozen=True)
class KeyInfo:
    """One API key as an administrator sees it."""

    id: int
    prefix: str
    tenant: str
    created_at: datetime
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def key_info(row: ApiKey, tenant: str) -> KeyInfo:
    return KeyInfo(row.id, row.prefix, tenant, row.created_at, row.revoked_at)


def list_keys(session: Session, tenant_name: str | None = None,
              tenant_id: int | None = None) -> list[KeyInfo]:
    """Keys, oldest first, optionally of one tenant (by name or id)."""
    stmt = select(ApiKey, Tenant.name).join(Tenant, Tenant.id == ApiKey.tenant_id)
    if tenant_name is not None:
        stmt = stmt.where(Tenant.name == tenant_name)
    if tenant_id is not None:
        stmt = stmt.where(Tenant.id == tenant_id)
    rows = session.execute(stmt.order_by(Tenant.name, ApiKey.created_at, ApiKey.id)).all()
    return [key_info(key, name) for key, name in rows]


def find_key(session: Session, ref: str, tenant_name: str | None = None,
             tenant_id: int | None = None) -> tuple[ApiKey, str]:
    """The key named by `ref`: its id, its listed prefix (or the start of it), or the
    whole key (hashed, as stored). Raises KeyNotFound or AmbiguousKey."""
    ref = ref.strip()
    stmt = select(ApiKey, Tenant.name).join(Tenant, Tenant.id == ApiKey.tenant_id)
    if tenant_name is not None:
        stmt = stmt.where(Tenant.name == tenant_name)
    if tenant_id is not None:
        stmt = stmt.where(Tenant.id == tenant_id)
    if ref.isdigit():
        stmt = stmt.where(ApiKey.id == int(ref))
    elif ref.startswith(KEY_PREFIX) and len(ref) > PREFIX_CHARS:
        stmt = stmt.where(ApiKey.key_hash == hash_key(ref))
    elif len(ref) >= len(KEY_PREFIX) + 2:
        stmt = stmt.where(ApiKey.prefix.startswith(ref, autoescape=True))
    else:
        raise KeyNotFound(f"{ref!r} is neither a key id nor a key prefix (e.g. tg_AbC1234)")
    rows = session.execute(stmt.limit(5)).all()
    if not rows:
        where = f" of tenant {tenant_name!r}" if tenant_name else ""
        raise KeyNotFound(f"no key {ref!r}{where}")
    if len(rows) > 1:
        ids = ", ".join(str(key.id) for key, _ in rows)
        raise AmbiguousKey(f"{ref!r} matches several keys (ids {ids}); give the id")
    key, name = rows[0]
    return key, name


def revoke_key(session: Session, key: ApiKey, tenant: str) -> tuple[KeyInfo, bool]:
    """Revoke `key` now; idempotent. Returns the key and whether this call revoked it."""
    if key.revoked_at is not None:
        return key_info(key, tenant), False
    key.revoked_at = datetime.now(UTC)
    session.commit()
    logger.info("revoked API key %s (id %d) of tenant %s", key.prefix, key.id, tenant)
    return key_info(key, tenant), True
