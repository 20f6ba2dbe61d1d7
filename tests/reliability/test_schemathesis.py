"""Property-based fuzzing of every operation in the OpenAPI schema (schemathesis, in process).

Valid and invalid requests generated from the schema itself, sent with a real key to the
real app on SQLite: no response may be a 5xx, use an undocumented status code or content
type, or break its own response schema. Bounded so the whole module runs in about a minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
MAX_EXAMPLES = 50


@pytest.fixture(scope="module")
def fuzz_target(tmp_path_factory: pytest.TempPathFactory, tiny_classifier: Any) -> Iterator[Any]:
    from service.config import Settings
    from service.main import create_app
    from service.replies.suggester import ReplySuggester
    from service.tenants import create_key

    folder: Path = tmp_path_factory.mktemp("fuzz")
    app = create_app(
        Settings(database_url=f"sqlite:///{folder / 'fuzz.db'}", model_dir=folder,
                 bootstrap_default_tenant=False, replies_mode="rules"),
        classifier=tiny_classifier, suggester=ReplySuggester.rules_only(),
    )
    with TestClient(app) as client:  # runs the lifespan: migrations, services
        with app.state.services.db.session() as s:
            key = create_key(s, "fuzz")
        # Something to find, so reads and feedback also take their success paths.
        for i, cid in enumerate(["c-1", "c-1", "c-2"]):
            r = client.post("/v1/messages", headers={"X-API-Key": key}, json={
                "message_id": f"m-{i}", "client_id": cid, "text": "Answer me now, idiots!",
                "sent_at": "2026-03-02T23:10:00+00:00"})
            assert r.status_code == 200, r.text
        yield client, key


def _schema() -> Any:
    """The app's own OpenAPI document; building the app touches no database or model."""
    from service.config import Settings
    from service.main import create_app

    app = create_app(Settings(database_url="sqlite://", bootstrap_default_tenant=False))
    return schemathesis.openapi.from_dict(app.openapi())


@schemathesis.serializer("message/rfc822")
def _raw_email(_ctx: Any, value: Any) -> bytes:
    """POST /v1/messages also takes a raw email; send the generated value as its bytes."""
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8", "surrogatepass")


schema = _schema()


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_responses_match_the_schema(case: Any, fuzz_target: Any) -> None:
    # Sent through the client that runs the app's lifespan (one event loop for everything).
    # Webhooks authenticate by signature, not key: fuzzing them checks 401/422 handling.
    client, key = fuzz_target
    kwargs = case.as_transport_kwargs(base_url="http://testserver",
                                      headers={"X-API-Key": key})
    if isinstance(kwargs.get("data"), bytes):  # requests-style raw body -> httpx `content`
        kwargs["content"] = kwargs.pop("data")
    response = client.request(**kwargs)
    case.validate_response(response, checks=CHECKS)
