"""A tenant's own API keys: list, create (to rotate) and revoke.

Any valid key of a tenant administers that tenant's keys and no other's (another tenant's
key id is a 404, as everywhere). Revoking the key the request is made with would lock
the caller out, so it needs `allow_current=true`. A revoked key is refused at once by
this worker, by others within `auth_cache_seconds`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Security

from service.api.deps import ServicesDep, SessionDep, TenantDep, api_key_header
from service.api.schemas.common import errors
from service.api.schemas.keys import KeyCreated, KeyList, KeyOut
from service.keys import KeyNotFound, find_key, key_info, list_keys, revoke_key
from service.tenants import create_key

router = APIRouter(prefix="/v1/keys", tags=["keys"])
CallerKey = Annotated[str | None, Security(api_key_header)]


def _current_id(session: SessionDep, tenant_id: int, key: str | None) -> int | None:
    if not key:
        return None
    try:
        return find_key(session, key, tenant_id=tenant_id)[0].id
    except KeyNotFound:
        return None


@router.get("", response_model=KeyList, responses=errors(401))
def get_keys(tenant: TenantDep, session: SessionDep, caller: CallerKey) -> KeyList:
    """The tenant's keys, oldest first: prefix, dates, and which one is in use."""
    current = _current_id(session, tenant.id, caller)
    keys = list_keys(session, tenant_id=tenant.id)
    return KeyList(tenant=tenant.name, items=[KeyOut.of(k, current) for k in keys])


@router.post("", response_model=KeyCreated, status_code=201, responses=errors(401))
def post_key(tenant: TenantDep, session: SessionDep) -> KeyCreated:
    """A new key for the tenant (e.g. to rotate: create, switch, revoke the old one)."""
    key = create_key(session, tenant.name)
    row, owner = find_key(session, key, tenant_id=tenant.id)
    return KeyCreated(**KeyOut.of(key_info(row, owner), None).model_dump(), key=key)


@router.delete("/{key_id}", response_model=KeyOut, responses=errors(401, 404, 409, 422))
def delete_key(
    key_id: Annotated[int, Path(ge=1, le=2**31 - 1)], tenant: TenantDep, session: SessionDep,
    services: ServicesDep, caller: CallerKey,
    allow_current: Annotated[bool, Query(description="Also revoke the key this request is "
                                         "made with (the caller loses access).")] = False,
) -> KeyOut:
    """Revoke one of the tenant's keys; revoking a revoked key changes nothing."""
    try:
        row, owner = find_key(session, str(key_id), tenant_id=tenant.id)
    except KeyNotFound:
        raise HTTPException(404, f"no key {key_id}") from None
    current = _current_id(session, tenant.id, caller)
    if row.id == current and row.revoked_at is None and not allow_current:
        raise HTTPException(409, "this is the key the request was made with; revoking it "
                                 "locks this caller out: repeat with allow_current=true")
    info, _ = revoke_key(session, row, owner)
    if services.keys is not None:
        services.keys.forget(row.key_hash)
    return KeyOut.of(info, current)
