"""API fixtures: an app on a fresh database (SQLite and PostgreSQL) with two tenants."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.fixtures.db import DbTarget


@pytest.fixture(scope="session")
def test_classifier(tiny_classifier: Any) -> Any:
    """The real ToneClassifier around a tiny random network: real code, meaningless scores."""
    return tiny_classifier


@pytest.fixture(scope="session")
def rules_suggester() -> Any:
    from service.replies.suggester import ReplySuggester

    return ReplySuggester.rules_only()


@dataclass
class Api:
    client: TestClient
    key_a: str
    key_b: str
    app: Any

    def h(self, key: str | None = None) -> dict[str, str]:
        return {"X-API-Key": key or self.key_a}

    def get(self, path: str, key: str | None = None, **kw: Any) -> Any:
        return self.client.get(path, headers=self.h(key), **kw)

    def post(self, path: str, json: Any, key: str | None = None) -> Any:
        return self.client.post(path, json=json, headers=self.h(key))

    def delete(self, path: str, key: str | None = None) -> Any:
        return self.client.delete(path, headers=self.h(key))

    @property
    def services(self) -> Any:
        return self.app.state.services


@pytest.fixture
def app_settings(db_target: DbTarget, tmp_path: Path) -> Any:
    from service.config import Settings

    return Settings(
        database_url=db_target.url, database_schema=db_target.schema,
        model_dir=tmp_path / "unused-model", bootstrap_default_tenant=False,
        replies_mode="off",
    )


@pytest.fixture
def api(app_settings: Any, test_classifier: Any, rules_suggester: Any) -> Iterator[Api]:
    from service.main import create_app
    from service.tenants import create_key

    app = create_app(app_settings, classifier=test_classifier, suggester=rules_suggester)
    with TestClient(app, raise_server_exceptions=False) as client:
        with app.state.services.db.session() as s:
            key_a = create_key(s, "acme")
            key_b = create_key(s, "globex")
        yield Api(client, key_a, key_b, app)
