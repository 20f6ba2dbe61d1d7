"""`toneguard classify`: label one message from the command line.

`-` reads stdin; a raw e-mail there (RFC 822 headers, a blank line, the body) is parsed
like `POST /v1/messages` parses one: the readable body is classified (the model's e-mail
clean-up then drops quotes and signatures) and `Date` is the send time. A send time
without a UTC offset is read in the configured business-hours time zone (UTC when none),
and a note on stderr says so. The service's settings (`TONEGUARD_*`) apply: business
hours, and the default language of messages too short to detect.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from service.config import Settings, model_dir_from_env

# A header line: a field name (printable ASCII but the colon), a colon.
_HEADER_LINE = re.compile(r"^([!-9;-~]+):")
# At least one of these makes a header block an e-mail rather than "Note: ..." prose.
_MAIL_HEADERS = frozenset({"from", "message-id", "received", "return-path", "mime-version",
                           "delivered-to", "x-mailer"})


@dataclass(frozen=True)
class RawEmail:
    """What the CLI takes from a raw e-mail: the body to classify and its headers."""

    text: str
    sent_at: datetime | None
    sender: str | None
    subject: str | None


def looks_like_email(text: str) -> bool:
    """True for RFC 822 text: header lines (with folded continuations) up to a blank line,
    among them a header only mail carries (From, Message-ID, Received, ...)."""
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[0].startswith("From "):  # an mbox separator line
        lines = lines[1:]
    names: set[str] = set()
    for i, line in enumerate(lines):
        if not line:
            return bool(names & _MAIL_HEADERS)
        if line[0] in " \t":
            if i == 0:
                return False
            continue
        match = _HEADER_LINE.match(line)
        if match is None:
            return False
        names.add(match.group(1).lower())
    return False  # no blank line: no body


def parse_email(raw: bytes) -> RawEmail:
    """The readable body (text/plain, else HTML as text) and the headers the CLI uses."""
    from email import policy
    from email.parser import BytesParser

    from service.integrations.rfc822 import assume_utf8, body_text

    msg = BytesParser(policy=policy.default).parsebytes(raw)
    if not isinstance(msg, EmailMessage):
        return RawEmail("", None, None, None)
    assume_utf8(msg)
    sent_at: datetime | None = None
    try:
        stamp = getattr(msg["Date"], "datetime", None)
        sent_at = stamp if isinstance(stamp, datetime) else None
        sender = str(msg["From"] or "").strip() or None
        subject = str(msg["Subject"] or "").strip() or None
    except (ValueError, IndexError, TypeError):  # malformed header syntax
        sender = subject = None
    return RawEmail(body_text(msg), sent_at, sender, subject)


def _zone(settings: Settings) -> tuple[ZoneInfo, str]:
    """Where a send time without an offset is read: the business-hours zone, else UTC."""
    name = (settings.business_hours or {}).get("timezone")
    if not name:
        return ZoneInfo("UTC"), "UTC (no business-hours time zone is configured)"
    try:
        return ZoneInfo(str(name)), f"{name} (the business-hours time zone)"
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC"), f"UTC (the business-hours time zone {name!r} is unknown)"


def _localise(dt: datetime, settings: Settings, shown: str) -> datetime:
    if dt.tzinfo is not None:
        return dt
    zone, described = _zone(settings)
    typer.echo(f"note: {shown} has no UTC offset; read as {described}", err=True)
    return dt.replace(tzinfo=zone)


def _parse_time(value: str | None, settings: Settings) -> datetime | None:
    if value is None:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not ISO 8601, e.g. 2026-03-07T23:40:00+03:00",
                                 param_hint="--sent-at") from None
    return _localise(dt, settings, value)


def _settings() -> Settings:
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        typer.echo(f"error: invalid TONEGUARD_* settings: {exc}", err=True)
        raise typer.Exit(2) from None


def _read_stdin() -> bytes:
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is not None:
        data: bytes = buffer.read()
        return data
    return sys.stdin.read().encode("utf-8")


def classify(
    text: str = typer.Argument(..., help="The message; '-' reads it (or a raw e-mail) "
                               "from stdin."),
    sent_at: str | None = typer.Option(None, "--sent-at", help="ISO 8601 send time; without "
                                       "an offset it is read in the business-hours zone."),
    model: Path | None = typer.Option(None, "--model", help="Model folder (default: shipped)."),
    as_json: bool = typer.Option(False, "--json", help="Print the prediction as JSON."),
) -> None:
    """Label a message: flags, calibrated scores and the spans that triggered them."""
    settings = _settings()
    mail: RawEmail | None = None
    if text == "-":
        raw = _read_stdin()
        text = raw.decode("utf-8", "replace")
        if looks_like_email(text):
            mail = parse_email(raw)
            text = mail.text
    if not text.strip():
        what = "the e-mail has no readable text" if mail else "the message is empty"
        typer.echo(f"error: {what}; nothing to classify", err=True)
        raise typer.Exit(2)
    when = _parse_time(sent_at, settings)
    if when is None and mail is not None and mail.sent_at is not None:
        when = _localise(mail.sent_at, settings, "the Date header")
    folder = model or model_dir_from_env()
    if not (folder / "config.json").is_file():
        typer.echo(f"error: no model at {folder} (set --model or TONEGUARD_MODEL_DIR)", err=True)
        raise typer.Exit(2)
    from classifier.model import ToneClassifier

    clf = ToneClassifier.from_pretrained(folder)
    clf.default_language = settings.default_language
    pred = clf.predict(text, sent_at=when, business_hours=settings.business_hours)
    if as_json:
        out: dict[str, Any] = pred.to_dict()
        out["sent_at"] = when.isoformat() if when else None
        if mail is not None:
            out["email"] = {"from": mail.sender, "subject": mail.subject}
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    if mail is not None:
        typer.echo(f"e-mail from {mail.sender or '(unknown)'}: {mail.subject or '(no subject)'}")
    if when is not None:
        typer.echo(f"sent at: {when.isoformat()}")
    typer.echo("labels: " + (", ".join(pred.labels) if pred.labels else "(none)"))
    for label, score in pred.scores.items():
        mark = "*" if label in pred.labels else " "
        typer.echo(f" {mark} {label:<20} {score:.3f}")
    for span in pred.spans:
        typer.echo(f"   {span.label} [{span.start}:{span.end}] {span.score:.3f} {span.text!r}")
    if pred.outside_business_hours is not None:
        typer.echo(f"outside business hours: {'yes' if pred.outside_business_hours else 'no'}")
    if pred.ignored_ranges:
        typer.echo(f"ignored (quoted/signature): {pred.ignored_ranges}")
    typer.echo(f"language: {pred.lang}")
