"""Where a tenant's alerts go: its own entry in `alert_targets`, else the global settings."""

from __future__ import annotations

from dataclasses import dataclass

from service.config import Settings


@dataclass(frozen=True)
class Targets:
    webhook_url: str | None
    email_to: tuple[str, ...]

    @property
    def any(self) -> bool:
        return bool(self.webhook_url or self.email_to)


def targets_for(settings: Settings, tenant: str) -> Targets:
    own = settings.alert_targets.get(tenant)
    hook = (own.webhook_url if own and own.webhook_url else settings.alert_webhook_url)
    email = own.email_to if own and own.email_to else settings.alert_email_to
    if email and not settings.smtp_host:
        email = []  # nowhere to send mail through
    return Targets(hook.get_secret_value() if hook else None, tuple(email))
