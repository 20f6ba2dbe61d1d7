"""URL tokens: webhook authentication for senders that cannot sign their deliveries.

Chatwoot signs account webhooks only from release 4.11.2 (API-inbox and agent-bot
webhooks from 4.13.0); earlier releases send nothing to verify. Their webhook URL can
carry a secret instead: ``/v1/webhooks/chatwoot?tenant=acme&token=<random>``, configured
per tenant and helpdesk in ``TONEGUARD_WEBHOOK_TOKENS`` (same JSON shape as the signing
secrets; a string or a list). A token proves only that the sender knows the URL (no
protection against replays or a tampered body), so signatures stay the default.

Tokens are compared in constant time and never logged: uvicorn's access log writes the
URL with its query string, so :class:`RedactTokens` blanks the value there.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Sequence
from typing import Any

from service.integrations import SignatureError
from service.integrations.signatures import configured_values

TOKEN_PARAM = "token"
_TOKEN_IN_URL = re.compile(r"([?&]token=)[^&#\s\"]*", re.IGNORECASE)


def tokens_for(settings: Any, tenant: str, helpdesk: str) -> list[str]:
    """The tenant's URL tokens for ``helpdesk`` ("chatwoot"/"zammad"); [] when none."""
    return configured_values(getattr(settings, "webhook_tokens", None), tenant, helpdesk)


def check_token(given: str | None, tokens: Sequence[str]) -> None:
    """Raise SignatureError unless ``given`` equals one of ``tokens``.

    Both sides are hashed first, so every comparison takes the same time whatever the
    lengths, and every token is tried.
    """
    if not given:
        raise SignatureError("the URL has no token")
    if not tokens:
        raise SignatureError("no URL token is configured")
    digest = hashlib.sha256(given.encode("utf-8")).digest()
    matched = False
    for token in tokens:
        expected = hashlib.sha256(token.encode("utf-8")).digest()
        matched = hmac.compare_digest(expected, digest) or matched
    if not matched:
        raise SignatureError("the URL token does not match")


def redact(text: str) -> str:
    """``text`` with the value of every ``token=`` query parameter replaced by ``***``."""
    return _TOKEN_IN_URL.sub(r"\1***", text)


class RedactTokens(logging.Filter):
    """Blanks ``token=`` values in a log record's arguments (uvicorn's access log)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def install_log_redaction(logger_name: str = "uvicorn.access") -> None:
    """Add :class:`RedactTokens` to ``logger_name`` once (idempotent)."""
    target = logging.getLogger(logger_name)
    if not any(isinstance(f, RedactTokens) for f in target.filters):
        target.addFilter(RedactTokens())
