"""API fixtures: an app on a fresh database (SQLite and PostgreSQL) with two tenants."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from classifier.types import LABELS, Prediction, Span
from tests.fixtures.db import DbTarget


class KeywordClassifier:
    """Development stand-in until tests/fixtures/model.py provides the tiny model."""

    name = "keyword-test"
    version = "0"
    labels = LABELS
    words = {"idiot": "aggression", "court": "threat", "free": "unreasonable_demand",
             "now": "off_hours_pressure"}

    def predict(self, texts: list[str], sent_at: list[Any], business_hours: Any = None
                ) -> list[Prediction]:
        out = []
        for t in texts:
            spans = []
            for word, label in self.words.items():
                i = t.lower().find(word)
                if i >= 0:
                    spans.append(Span(label, i, i + len(word), t[i:i + len(word)], 0.9))
            labels = sorted({s.label for s in spans})
            scores = {lab: (0.9 if lab in labels else 0.1) for lab in LABELS}
            when = sent_at[len(out)]
            outside = None if when is None or business_hours is None else (
                business_hours.is_outside(when))
            out.append(Prediction(t, labels, scores, spans, "en", outside, []))
        return out


@pytest.fixture(scope="session")
def test_classifier() -> Any:
    return KeywordClassifier()


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
