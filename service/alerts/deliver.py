"""The `alert` job: post to the chat webhook, then send the e-mail, each at most once per job.

Chat webhooks take Slack's `{"text": ...}`. Mail goes through `smtp_host` with a
Message-ID derived from the job's key, so a mail sent twice after a crash is one thread
to mail clients; a failed step is retried with backoff, a finished one is not repeated.
"""

from __future__ import annotations

import hashlib
import smtplib
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any
from urllib.parse import quote

from service.alerts.targets import targets_for
from service.config import Settings
from service.jobs.worker import JobContext, PermanentError
from service.writeback.http import call, client

KIND = "alert"


def client_link(settings: Settings, client_id: str) -> str:
    return f"{settings.console_url.rstrip('/')}/ui/client?id={quote(client_id, safe='')}"


def alert_text(settings: Settings, p: dict[str, Any]) -> str:
    labels = ", ".join(p.get("labels") or []) or "none"
    return (f"toneguard: client {p['client_id']} (tenant {p['tenant']}) rose from "
            f"{p['previous']} to {p['level']}. Latest message {p['message_id']} flagged: "
            f"{labels}. {client_link(settings, p['client_id'])}")


def _post_chat(ctx: JobContext, url: str, text: str) -> None:
    with client(ctx.settings) as http:
        call(http, "POST", url, {"Idempotency-Key": ctx.job.key}, {"text": text},
             expect_json=False)


def _send_mail(ctx: JobContext, to: tuple[str, ...], text: str) -> None:
    s, p = ctx.settings, ctx.payload
    msg = EmailMessage()
    msg["Subject"] = f"[toneguard] {p['client_id']} is now {p['level']}"
    msg["From"] = s.smtp_from
    msg["To"] = ", ".join(to)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = f"<{hashlib.sha256(ctx.job.key.encode()).hexdigest()[:32]}@toneguard>"
    msg.set_content(text)
    assert s.smtp_host is not None
    try:
        with smtplib.SMTP(s.smtp_host, s.smtp_port,
                          timeout=s.writeback_timeout_seconds) as smtp:
            if s.smtp_starttls:
                smtp.starttls()
            if s.smtp_username and s.smtp_password:
                smtp.login(s.smtp_username, s.smtp_password.get_secret_value())
            smtp.send_message(msg)
    except (smtplib.SMTPAuthenticationError, smtplib.SMTPRecipientsRefused,
            smtplib.SMTPSenderRefused) as exc:
        raise PermanentError(f"SMTP refused the alert: {exc}") from exc


def handle(ctx: JobContext) -> None:
    """Job payload: tenant, client_id, level, previous, message_id, labels."""
    targets = targets_for(ctx.settings, ctx.payload["tenant"])
    text = alert_text(ctx.settings, ctx.payload)
    if targets.webhook_url:
        url = targets.webhook_url
        ctx.step("chat", lambda: _post_chat(ctx, url, text))
    if targets.email_to:
        ctx.step("email", lambda: _send_mail(ctx, targets.email_to, text))
