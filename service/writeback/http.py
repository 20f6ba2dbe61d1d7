"""One outgoing helpdesk call, with failures sorted into retry-later and give-up."""

from __future__ import annotations

from typing import Any

import httpx

from service.config import HelpdeskApi, Settings
from service.jobs.worker import PermanentError

# Worth another try later: the helpdesk is down, overloaded, or asks us to slow down.
_RETRYABLE = frozenset({408, 423, 425, 429})


class HelpdeskUnavailable(Exception):
    """A transient failure (5xx, 429, timeout, connection refused): the job retries."""


def helpdesk_api(settings: Settings, tenant: str, helpdesk: str) -> HelpdeskApi:
    """The tenant's configured helpdesk; its absence is permanent (nothing to call)."""
    api = settings.writeback.get(tenant, {}).get(helpdesk)
    if api is None:
        raise PermanentError(f"no {helpdesk} write-back configured for tenant {tenant!r}")
    return api


def client(settings: Settings) -> httpx.Client:
    return httpx.Client(timeout=settings.writeback_timeout_seconds, follow_redirects=False)


def call(http: httpx.Client, method: str, url: str, headers: dict[str, str],
         body: Any = None, params: dict[str, Any] | None = None, expect_json: bool = True) -> Any:
    """Send the request and return the decoded JSON answer (None for an empty one, or when
    `expect_json` is False: chat webhooks answer a bare "ok")."""
    try:
        response = http.request(method, url, headers=headers, json=body, params=params)
    except httpx.HTTPError as exc:
        raise HelpdeskUnavailable(f"{method} {url}: {type(exc).__name__}: {exc}") from exc
    status = response.status_code
    if status >= 500 or status in _RETRYABLE:
        raise HelpdeskUnavailable(f"{method} {url}: HTTP {status}")
    if status >= 400:
        raise PermanentError(f"{method} {url}: HTTP {status}: {response.text[:300]}")
    if not response.content or not expect_json:
        return None
    try:
        return response.json()
    except ValueError as exc:
        raise HelpdeskUnavailable(f"{method} {url}: the answer is not JSON") from exc
