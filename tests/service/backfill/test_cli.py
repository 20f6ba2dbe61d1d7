"""`toneguard backfill` refuses an unknown tenant or unreadable inputs before any work."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from service.cli import app

runner = CliRunner()


@pytest.fixture
def cli_env(db_target: Any, migrated_db: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    from service.tenants import create_key

    monkeypatch.setenv("TONEGUARD_DATABASE_URL", db_target.url)
    if db_target.schema:
        monkeypatch.setenv("TONEGUARD_DATABASE_SCHEMA", db_target.schema)
    with migrated_db.session() as s:
        create_key(s, "acme")
    return db_target


def test_an_unknown_tenant_is_a_clear_error(cli_env: Any, tmp_path: Path) -> None:
    source = tmp_path / "h.jsonl"
    source.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["backfill", str(source), "--tenant", "globex"])
    assert result.exit_code == 2
    assert "tenant 'globex' does not exist" in result.output
    assert "toneguard keys create --tenant globex" in result.output


def test_unreadable_inputs_are_refused(cli_env: Any, tmp_path: Path) -> None:
    missing = runner.invoke(app, ["backfill", str(tmp_path / "nope.jsonl"), "--tenant", "acme"])
    assert missing.exit_code == 2 and "no such file or folder" in missing.output
    table = tmp_path / "h.csv"
    table.write_text("id,client,body\n1,a,hi\n", encoding="utf-8")
    columns = runner.invoke(app, ["backfill", str(table), "--tenant", "acme"])
    assert columns.exit_code == 2 and "no column text, sent_at" in columns.output
