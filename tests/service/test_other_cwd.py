"""Shipped files are found through settings, not the working directory: the console script
and the reply playbook work when started from anywhere."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from classifier.paths import REPLIES_DIR
from service.config import Settings
from service.main import load_suggester
from service.replies.templates import TemplateError, load_playbook

TONEGUARD = Path(sys.executable).parent / "toneguard"


def test_the_cli_classifies_from_another_working_directory(tmp_path: Path) -> None:
    """No TONEGUARD_* setting but the cache: the default (shipped) model is found."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("TONEGUARD_") or k == "TONEGUARD_CACHE_DIR"}
    done = subprocess.run(
        [str(TONEGUARD), "classify", "Refund me today or I will see you in court!",
         "--sent-at", "2026-11-24T14:00:00+01:00", "--json"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["labels"] == ["threat"]  # the shipped model's answer (a random one's would vary)
    assert list(tmp_path.iterdir()) == []  # nothing written into the working directory


def test_the_reply_playbook_loads_when_cwd_is_elsewhere(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TONEGUARD_REPLIES_DIR", raising=False)
    assert Settings().replies_dir == REPLIES_DIR
    assert load_playbook().templates
    suggester = load_suggester(Settings(replies_mode="rules"))
    assert suggester is not None
    replies = suggester.suggest("Where is my order?", ["off_hours_pressure"], "en", "ok", {}, k=1)
    assert replies and "Mon–Fri 09:00–18:00" in replies[0].text


def test_the_service_reads_the_playbook_from_its_setting(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own = tmp_path / "replies"
    shutil.copytree(REPLIES_DIR, own)
    monkeypatch.setenv("TONEGUARD_REPLIES_DIR", str(own))
    assert load_suggester(Settings(replies_mode="rules")) is not None
    for path in own.glob("*.json"):
        path.unlink()
    with pytest.raises(TemplateError, match=str(own)):
        load_suggester(Settings(replies_mode="rules"))
