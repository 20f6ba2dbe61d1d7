"""A database that cannot be reached answers 503 with Retry-After, never 500, and the
service carries on once it is back."""

from __future__ import annotations

from typing import Any

import pytest

from service.db.session import Database
from tests.service.helpers import message

# A port nothing listens on: connecting fails as it does while PostgreSQL restarts.
UNREACHABLE = "postgresql+psycopg://toneguard@127.0.0.1:9/none?connect_timeout=1"


@pytest.mark.parametrize("path", ["/v1/messages", "/v1/clients/client-1"])
def test_unreachable_database_is_503_with_retry_after(api: Any, path: str) -> None:
    assert api.post("/v1/messages", message("m-1")).status_code == 200
    services = api.services
    real = services.db
    services.db = Database(UNREACHABLE)
    try:
        r = (api.post(path, message("m-2")) if path == "/v1/messages" else api.get(path))
        if r.status_code == 401:  # the key lookup itself hit the database: also a 503 case
            pytest.fail("an API key that was verified moments ago should be cached")
        assert r.status_code == 503, r.text
        assert r.headers["Retry-After"] == "2"
        assert r.json()["error"] == "unavailable"
    finally:
        services.db.dispose()
        services.db = real
    assert api.post("/v1/messages", message("m-2")).status_code == 200
    assert api.get("/v1/clients/client-1").json()["messages_seen"] == 2
