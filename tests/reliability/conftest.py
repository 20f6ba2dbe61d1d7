"""Fixtures of the reliability tests: database kinds for live servers, in-process apps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.fixtures.db import DbTarget


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@dataclass
class App:
    """An in-process app on a fresh database with two tenants' keys."""

    client: TestClient
    key_a: str
    key_b: str
    app: Any

    def h(self, key: str | None = None) -> dict[str, str]:
        return {"X-API-Key": key or self.key_a}


@pytest.fixture
def make_app(
    db_target: DbTarget, tmp_path: Path, tiny_classifier: Any
) -> Iterator[Callable[..., App]]:
    """Build the app with setting overrides; closed at the end of the test."""
    from service.config import Settings
    from service.main import create_app
    from service.replies.suggester import ReplySuggester
    from service.tenants import create_key

    stack = ExitStack()

    def build(**overrides: Any) -> App:
        settings = Settings(
            database_url=db_target.url, database_schema=db_target.schema,
            model_dir=tmp_path / "unused", bootstrap_default_tenant=False, replies_mode="rules",
            **overrides,
        )
        app = create_app(settings, classifier=tiny_classifier,
                         suggester=ReplySuggester.rules_only())
        client = stack.enter_context(TestClient(app, raise_server_exceptions=False))
        with app.state.services.db.session() as s:
            key_a, key_b = create_key(s, "acme"), create_key(s, "globex")
        return App(client, key_a, key_b, app)

    with stack:
        yield build


@pytest.fixture
def svc(make_app: Callable[..., App]) -> App:
    return make_app()
