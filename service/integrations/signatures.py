"""HMAC checks shared by the helpdesk webhooks, and the per-tenant secret lookup.

Which tenant a delivery belongs to: a webhook URL carries no API key, so the URL names
the tenant (``?tenant=acme``; ``default`` when absent) and the request must be signed
with *that tenant's* secret for that helpdesk. A secret configured for one tenant can
never write into another, and nothing secret is stored in the database. Secrets come
from settings: ``TONEGUARD_WEBHOOK_SECRETS='{"acme": {"chatwoot": "...", "zammad": "..."}}'``;
the single ``TONEGUARD_CHATWOOT_WEBHOOK_SECRET`` / ``TONEGUARD_ZAMMAD_WEBHOOK_SECRET`` are
the ``default`` tenant's (single-tenant installs).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping
from typing import Any

from service.integrations import SignatureError

DEFAULT_TENANT = "default"
MAX_CLOCK_SKEW_S = 300


def secret_for(settings: Any, tenant: str, helpdesk: str) -> str | None:
    """The tenant's webhook secret for ``helpdesk`` ("chatwoot"/"zammad"), or None."""
    per_tenant: Mapping[str, Mapping[str, Any]] = getattr(settings, "webhook_secrets", {}) or {}
    value = (per_tenant.get(tenant) or {}).get(helpdesk)
    if value is None and tenant == DEFAULT_TENANT:
        value = getattr(settings, f"{helpdesk}_webhook_secret", None)
    if value is None:
        return None
    raw = value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)
    return raw or None


def _hex_digest(secret: str, message: bytes, algo: str) -> str:
    return hmac.new(secret.encode("utf-8"), message, getattr(hashlib, algo)).hexdigest()


def check_prefixed(header: str | None, secret: str, message: bytes, algo: str) -> None:
    """Verify ``header`` == ``"<algo>=<hex HMAC of message>"`` in constant time."""
    if not header:
        raise SignatureError("signature header is missing")
    prefix, _, given = header.strip().partition("=")
    if prefix.lower() != algo or not given:
        raise SignatureError(f"signature must look like '{algo}=<hex>'")
    expected = _hex_digest(secret, message, algo)
    if not hmac.compare_digest(expected.encode(), given.strip().lower().encode()):
        raise SignatureError("signature does not match")


def check_fresh(timestamp: str | None, now: float | None = None) -> int:
    """Parse a unix-seconds timestamp header and refuse one too far from our clock."""
    if not timestamp:
        raise SignatureError("timestamp header is missing")
    try:
        value = int(timestamp.strip())
    except ValueError as exc:
        raise SignatureError("timestamp must be unix seconds") from exc
    current = time.time() if now is None else now
    if abs(current - value) > MAX_CLOCK_SKEW_S:
        raise SignatureError(f"timestamp is more than {MAX_CLOCK_SKEW_S} s away from now")
    return value


def sign(secret: str, message: bytes, algo: str) -> str:
    """``"<algo>=<hex>"``: what a helpdesk sends (used by tests and the README recipes)."""
    return f"{algo}={_hex_digest(secret, message, algo)}"
