"""GET/POST/DELETE /v1/keys: a tenant's own API keys (never the key, except once at creation)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from service.keys import KeyInfo


class KeyOut(BaseModel):
    id: int
    prefix: str = Field(description="The key's first characters, to tell keys apart.")
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    active: bool
    current: bool = Field(description="True for the key this request was made with.")

    @classmethod
    def of(cls, info: KeyInfo, current_id: int | None) -> KeyOut:
        return cls(id=info.id, prefix=info.prefix, created_at=info.created_at,
                   revoked_at=info.revoked_at, active=info.active, current=info.id == current_id)


class KeyList(BaseModel):
    tenant: str
    items: list[KeyOut]


class KeyCreated(KeyOut):
    key: str = Field(description="The new key: shown only in this response, stored hashed.")
