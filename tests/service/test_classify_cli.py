"""`toneguard classify` from the command line: raw e-mail on stdin, empty text, send times
without an offset, and the default language of short messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service.cli import app

runner = CliRunner()

RAW_EMAIL = (
    "Return-Path: <anna@example.com>\r\n"
    "From: Anna <anna@example.com>\r\n"
    "To: support@example.org\r\n"
    "Subject: =?utf-8?b?0JfQsNC60LDQtw==?=\r\n"
    "Date: Sat, 28 Nov 2026 23:40:00 +0300\r\n"
    "Message-ID: <a1@example.com>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: 8bit\r\n"
    "\r\n"
    "Ответьте немедленно! Где мой заказ?\r\n"
    "\r\n"
    "28.11.2026, 10:00, Support пишет:\r\n"
    "> Мы ответим в рабочее время.\r\n"
).encode()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tiny_classifier_dir: Path) -> Path:
    for name in ("TONEGUARD_BUSINESS_HOURS", "TONEGUARD_DEFAULT_LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TONEGUARD_MODEL_DIR", str(tiny_classifier_dir))
    return tiny_classifier_dir


def classify(*args: str, stdin: bytes | str | None = None) -> tuple[int, dict, str]:
    result = runner.invoke(app, ["classify", *args, "--json"], input=stdin)
    body = json.loads(result.stdout) if result.exit_code == 0 else {}
    return result.exit_code, body, result.stderr


def test_a_raw_email_on_stdin_is_classified_as_its_body_sent_at_its_date(env: Path) -> None:
    code, out, _ = classify("-", stdin=RAW_EMAIL)
    assert code == 0
    assert out["text"].startswith("Ответьте немедленно! Где мой заказ?")
    assert "Return-Path" not in out["text"] and "Message-ID" not in out["text"]
    assert out["sent_at"] == "2026-11-28T23:40:00+03:00"
    assert out["outside_business_hours"] is True  # Saturday night, by the Date header
    assert out["email"] == {"from": "Anna <anna@example.com>", "subject": "Заказ"}
    quote = out["text"].index("> Мы ответим")
    assert any(a <= quote < b for a, b in out["ignored_ranges"])  # the quote does not count
    assert out["lang"] == "ru"


def test_an_email_typed_by_hand_without_a_charset_is_read_as_utf8(env: Path) -> None:
    raw = ("From: anna@example.com\nDate: Tue, 24 Nov 2026 14:00:00 +0300\n\n"
           "Где мой заказ?\n").encode()
    code, out, _ = classify("-", stdin=raw)
    assert code == 0 and out["text"] == "Где мой заказ?" and out["lang"] == "ru"
    assert out["outside_business_hours"] is False


def test_sent_at_overrides_the_date_header(env: Path) -> None:
    code, out, _ = classify("-", "--sent-at", "2026-11-24T14:00:00+03:00", stdin=RAW_EMAIL)
    assert code == 0
    assert out["sent_at"] == "2026-11-24T14:00:00+03:00" and out["outside_business_hours"] is False


def test_plain_text_on_stdin_is_not_taken_for_an_email(env: Path) -> None:
    text = "Note: I wrote twice.\n\nWhere is my refund?"
    code, out, _ = classify("-", stdin=text)
    assert code == 0 and out["text"] == text and "email" not in out


@pytest.mark.parametrize("args,stdin", [(["   "], None), (["-"], ""), (["-"], " \n\t\n"),
                                        (["-"], "From: a@example.com\nDate: x\n\n \n")])
def test_empty_text_is_refused(env: Path, args: list[str], stdin: str | None) -> None:
    result = runner.invoke(app, ["classify", *args], input=stdin)
    assert result.exit_code == 2
    assert "nothing to classify" in result.stderr
    assert "labels" not in result.stdout


def test_a_naive_send_time_is_read_in_the_business_hours_zone(
        env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TONEGUARD_BUSINESS_HOURS", json.dumps({"timezone": "Europe/Moscow"}))
    code, out, err = classify("Ответьте немедленно!", "--sent-at", "2026-11-28T23:40")
    assert code == 0
    assert out["sent_at"] == "2026-11-28T23:40:00+03:00"
    assert "note: 2026-11-28T23:40 has no UTC offset; read as Europe/Moscow" in err
    assert out["outside_business_hours"] is True


def test_a_naive_send_time_is_utc_without_a_configured_zone(env: Path) -> None:
    code, out, err = classify("Answer me now!", "--sent-at", "2026-11-24T14:00:00")
    assert code == 0
    assert out["sent_at"] == "2026-11-24T14:00:00+00:00"
    assert "has no UTC offset; read as UTC" in err
    bad = runner.invoke(app, ["classify", "x", "--sent-at", "yesterday"])
    assert bad.exit_code == 2 and "ISO 8601" in bad.output


def test_a_greeting_takes_the_default_language(env: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    assert classify("Hallo!")[1]["lang"] == "en"
    assert classify("Привет")[1]["lang"] == "ru"
    monkeypatch.setenv("TONEGUARD_DEFAULT_LANGUAGE", "de")
    assert classify("Hallo!")[1]["lang"] == "de"
