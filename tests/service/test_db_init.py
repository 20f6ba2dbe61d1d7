"""A database comes into being only on purpose: `toneguard db init`, or the embedded default
SQLite file on first use. A wrong URL fails with a clear error instead of starting empty."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import service.config
from bench.liveserver import REPO_ROOT
from service.cli import app
from service.config import Settings
from service.db.migrate import DatabaseNotInitialised, missing_reason
from service.db.session import Database
from service.main import create_app
from tests.fixtures.db import DbTarget, _pg_admin

runner = CliRunner()


@pytest.fixture
def cli_env(db_target: DbTarget, monkeypatch: pytest.MonkeyPatch) -> DbTarget:
    monkeypatch.setenv("TONEGUARD_DATABASE_URL", db_target.url)
    if db_target.schema:
        monkeypatch.setenv("TONEGUARD_DATABASE_SCHEMA", db_target.schema)
    else:
        monkeypatch.delenv("TONEGUARD_DATABASE_SCHEMA", raising=False)
    return db_target


def _sqlite_file(target: DbTarget) -> Path | None:
    return Path(target.url.removeprefix("sqlite:///")) if target.dialect == "sqlite" else None


@pytest.mark.parametrize("verb", [["keys", "create", "--tenant", "acme"], ["keys", "list"],
                                  ["db", "check"], ["export-feedback"]])
def test_cli_verbs_refuse_a_database_that_does_not_exist(cli_env: DbTarget,
                                                         verb: list[str]) -> None:
    result = runner.invoke(app, verb)
    assert result.exit_code == 2, result.output
    assert "no toneguard database" in result.stderr and "toneguard db init" in result.stderr
    expected = "does not exist" if cli_env.dialect == "sqlite" else "holds no toneguard tables"
    assert expected in result.stderr
    path = _sqlite_file(cli_env)
    assert path is None or not path.exists()  # nothing was created on the way


def test_db_init_creates_the_database_once_then_verbs_work(cli_env: DbTarget) -> None:
    first = runner.invoke(app, ["db", "init"])
    assert first.exit_code == 0 and "created a new toneguard database" in first.stdout
    again = runner.invoke(app, ["db", "init"])
    assert again.exit_code == 0 and "migrated the existing" in again.stdout
    created = runner.invoke(app, ["keys", "create", "--tenant", "acme"])
    assert created.exit_code == 0 and created.stdout.strip().splitlines()[-1].startswith("tg_")
    assert runner.invoke(app, ["db", "check"]).exit_code == 0


@pytest.mark.postgres
def test_db_init_creates_a_missing_postgres_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.fixtures.db import PG_URL

    schema = f"tg_test_{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("TONEGUARD_DATABASE_URL", PG_URL)
    monkeypatch.setenv("TONEGUARD_DATABASE_SCHEMA", schema)
    try:
        refused = runner.invoke(app, ["keys", "list"])
        assert refused.exit_code == 2 and f"the schema {schema!r} does not exist" in refused.stderr
        assert runner.invoke(app, ["db", "init"]).exit_code == 0
        assert runner.invoke(app, ["keys", "list"]).exit_code == 0
    finally:
        _pg_admin(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_a_database_server_that_cannot_be_reached_is_named(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.setenv("TONEGUARD_DATABASE_URL",
                       "postgresql+psycopg://nobody:secret@127.0.0.1:1/none?connect_timeout=2")
    result = runner.invoke(app, ["keys", "list"])
    assert result.exit_code == 2
    assert "cannot open the database" in result.stderr and "127.0.0.1:1" in result.stderr
    assert "secret" not in result.stderr


def test_serve_refuses_a_missing_database_before_starting(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONEGUARD_")}
    env["TONEGUARD_DATABASE_URL"] = f"sqlite:///{tmp_path / 'typo' / 'toneguard.db'}"
    done = subprocess.run(
        [sys.executable, "-c", "from service.cli import app; app(prog_name='toneguard')",
         "serve", "--port", "1"], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
        timeout=120, check=False)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "does not exist" in done.stderr and "toneguard db init" in done.stderr
    assert not (tmp_path / "typo").exists()


def test_the_app_factory_path_refuses_a_missing_database(db_target: DbTarget, tmp_path: Path,
                                                         tiny_classifier) -> None:
    settings = Settings(database_url=db_target.url, database_schema=db_target.schema,
                        model_dir=tmp_path, bootstrap_default_tenant=False, replies_mode="off")
    app = create_app(settings, classifier=tiny_classifier, create_database=False)
    with pytest.raises(DatabaseNotInitialised, match="toneguard db init"), TestClient(app):
        pass
    db = Database(db_target.url, db_target.schema)
    try:
        assert missing_reason(db) is not None  # still not created
    finally:
        db.dispose()


def test_the_embedded_default_is_created_on_first_use_and_logged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_classifier,
        caplog: pytest.LogCaptureFixture) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'toneguard.db'}"
    monkeypatch.setattr(service.config, "_default_database_url", lambda: url)
    settings = Settings(database_url=url, model_dir=tmp_path, data_dir=tmp_path / "var",
                        bootstrap_default_tenant=False, replies_mode="off")
    assert settings.database_is_default
    caplog.set_level(logging.WARNING, logger="service.db.migrate")
    with TestClient(create_app(settings, classifier=tiny_classifier, create_database=False)) as c:
        assert c.get("/readyz").status_code == 200
    assert "creating a new toneguard database" in caplog.text
    assert (tmp_path / "var" / "toneguard.db").is_file()
