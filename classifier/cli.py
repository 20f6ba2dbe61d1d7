"""`toneguard classify`: label one message from the command line."""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime
from pathlib import Path

import typer

logger = logging.getLogger(__name__)


def default_model_dir() -> Path:
    env = os.environ.get("TONEGUARD_MODEL_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "models" / "toneguard-e5-small"


def _parse_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not ISO 8601, e.g. 2026-03-07T23:40:00+03:00",
                                 param_hint="--sent-at") from None
    if dt.tzinfo is None:
        raise typer.BadParameter("give a UTC offset, e.g. 2026-03-07T23:40:00+03:00",
                                 param_hint="--sent-at")
    return dt


def classify(
    text: str = typer.Argument(..., help="The message; '-' reads it from stdin."),
    sent_at: str | None = typer.Option(None, "--sent-at", help="ISO 8601 send time with offset."),
    model: Path | None = typer.Option(None, "--model", help="Model folder (default: shipped)."),
    as_json: bool = typer.Option(False, "--json", help="Print the prediction as JSON."),
) -> None:
    """Label a message: flags, calibrated scores and the spans that triggered them."""
    import sys

    from classifier.model import ToneClassifier

    if text == "-":
        text = sys.stdin.read()
    when = _parse_time(sent_at)
    folder = model or default_model_dir()
    if not (folder / "config.json").is_file():
        typer.echo(f"error: no model at {folder} (set --model or TONEGUARD_MODEL_DIR)", err=True)
        raise typer.Exit(2)
    pred = ToneClassifier.from_pretrained(folder).predict(text, sent_at=when)
    if as_json:
        typer.echo(json.dumps(pred.to_dict(), ensure_ascii=False, indent=2))
        return
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
