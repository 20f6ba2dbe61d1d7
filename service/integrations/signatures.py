"""HMAC checks shared by the helpdesk webhooks, and the per-tenant secret lookup.

Which tenant a delivery belongs to: a webhook URL carries no API key, so the URL names
the tenant (``?tenant=acme``; ``default`` when absent) and the request must be signed
with *that tenant's* secret for that helpdesk. A secret configured for one tenant can
never write into another, and nothing secret is stored in the database. Secrets come
from settings: ``TONEGUARD_WEBHOOK_SECRETS='{"acme": {"chatwoot": "...", "zammad": "..."}}'``;
the single ``TONEGUARD_CHATWOOT_WEBHOOK_SECRET`` / ``TONEGUARD_ZAMMAD_WEBHOOK_SECRET`` are
the ``default`` tenant's (single-tenant installs). A helpdesk may hold several secrets for
one tenant (Chatwoot keeps one per webhook: an account webhook and an API-inbox webhook
differ), so each entry is a string or a list, and a signature made with any of them passes.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping, Sequence
from typing import Any

from service.integrations import SignatureError

DEFAULT_TENANT = "default"
MAX_CLOCK_SKEW_S = 300


def configured_values(per_tenant: Mapping[str, Mapping[str, Any]] | None, tenant: str,
                      helpdesk: str) -> list[str]:
    """The non-empty strings configured for ``tenant``/``helpdesk``: one value or a list."""
    value = ((per_tenant or {}).get(tenant) or {}).get(helpdesk)
    items = value if isinstance(value, list | tuple) else [value]
    out = []
    for item in items:
        if item is None:
            continue
        raw = item.get_secret_value() if hasattr(item, "get_secret_value") else str(item)
        if raw:
            out.append(raw)
    return out


def secrets_for(settings: Any, tenant: str, helpdesk: str) -> list[str]:
    """The tenant's signing secrets for ``helpdesk`` ("chatwoot"/"zammad"); [] when none."""
    found = configured_values(getattr(settings, "webhook_secrets", None), tenant, helpdesk)
    if not found and tenant == DEFAULT_TENANT:
        single = getattr(settings, f"{helpdesk}_webhook_secret", None)
        found = configured_values({tenant: {helpdesk: single}}, tenant, helpdesk)
    return found


def _hex_digest(secret: str, message: bytes, algo: str) -> str:
    return hmac.new(secret.encode("utf-8"), message, getattr(hashlib, algo)).hexdigest()


def check_prefixed(header: str | None, secrets: str | Sequence[str], message: bytes,
                   algo: str) -> None:
    """Verify ``header`` == ``"<algo>=<hex HMAC of message>"`` for one of ``secrets``.

    Every secret is tried, each comparison in constant time, so the answer's timing does
    not tell which secret (if any) was close.
    """
    if not header:
        raise SignatureError("signature header is missing")
    prefix, _, given = header.strip().partition("=")
    if prefix.lower() != algo or not given:
        raise SignatureError(f"signature must look like '{algo}=<hex>'")
    candidates = [secrets] if isinstance(secrets, str) else list(secrets)
    if not candidates:
        raise SignatureError("no signing secret is configured")
    given_bytes = given.strip().lower().encode()
    matched = False
    for secret in candidates:
        expected = _hex_digest(secret, message, algo).encode()
        matched = hmac.compare_digest(expected, given_bytes) or matched
    if not matched:
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
