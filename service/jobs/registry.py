"""Which handler runs which job kind. Other parts of the service add theirs with `register`.

The built-in kinds are imported lazily, so importing the queue never pulls in HTTP or SMTP
clients.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from service.jobs.worker import Handler

_extra: dict[str, Handler] = {}


def register(kind: str, handler: Handler) -> None:
    """Make workers created from now on run `handler` for jobs of `kind`."""
    _extra[kind] = handler


def handlers() -> dict[str, Handler]:
    from service import alerts
    from service.writeback import chatwoot, zammad

    built_in: dict[str, Handler] = {
        chatwoot.KIND: chatwoot.handle,
        zammad.KIND: zammad.handle,
        alerts.KIND: alerts.handle,
    }
    return built_in | _extra
