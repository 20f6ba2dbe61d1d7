"""Security: keys on every route, hashed keys, tenant isolation, constant-time signatures."""

from __future__ import annotations

import ast
import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select
from starlette.routing import Route

from bench.liveserver import REPO_ROOT
from service.integrations.signatures import sign
from tests.fixtures.db import DbTarget
from tests.reliability.conftest import App

# Reachable without a key, on purpose: probes, metrics, API docs and the console shell
# (the console fetches all data from /v1 with the agent's key). Anything else must 401.
PUBLIC = {"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/docs/oauth2-redirect",
          "/redoc"}
# Authenticated by the helpdesk's HMAC signature instead of a key.
SIGNED = {"/v1/webhooks/chatwoot", "/v1/webhooks/zammad"}
SENT = "2026-03-02T23:10:00+00:00"


def _is_console(path: str) -> bool:
    return path == "/" or path == "/ui" or path.startswith("/ui/")


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "some-id", path)


def all_routes(app: Any) -> list[tuple[str, set[str]]]:
    """(path, methods) of every route, including those of included routers.

    FastAPI 0.16x keeps included routers as lazy entries that expand on demand; older
    versions copy their routes into `app.routes`. Both shapes are walked.
    """
    out: list[tuple[str, set[str]]] = []
    for route in app.routes:
        if hasattr(route, "effective_route_contexts"):
            out += [(c.path, set(c.methods or ())) for c in route.effective_route_contexts()]
        elif isinstance(route, Route):
            out.append((route.path, set(route.methods or ())))
    return out


def protected_routes(app: Any) -> list[tuple[str, str]]:
    out = []
    for path, methods in all_routes(app):
        if path in PUBLIC:
            continue
        if _is_console(path):  # server-rendered shells, no data
            continue
        out += [(m, path) for m in sorted(methods) if m != "HEAD"]
    return out


def test_every_route_except_health_and_docs_needs_a_key(svc: App) -> None:
    routes = protected_routes(svc.app)
    assert {p for _, p in routes} >= {"/v1/classify", "/v1/messages", "/v1/clients"}
    for method, path in routes:
        url = _concrete(path)
        for headers in ({}, {"X-API-Key": "tg_wrong"}, {"X-API-Key": ""}):
            r = svc.client.request(method, url, json={}, headers=headers)
            assert r.status_code == 401, (method, path, headers, r.status_code, r.text)
            assert r.json()["error"] == "unauthorized"
        if path not in SIGNED:  # and the right key gets past authentication
            r = svc.client.request(method, url, json={}, headers=svc.h())
            assert r.status_code != 401, (method, path)
    for path in sorted(PUBLIC - {"/docs/oauth2-redirect", "/redoc"}):
        assert svc.client.get(path).status_code == 200, path


def test_keys_are_stored_hashed(db_target: DbTarget, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONEGUARD_")}
    env["TONEGUARD_DATABASE_URL"] = db_target.url
    if db_target.schema:
        env["TONEGUARD_DATABASE_SCHEMA"] = db_target.schema
    for verb in (["db", "init"], ["keys", "create", "--tenant", "acme"]):
        done = subprocess.run(
            [sys.executable, "-c", "from service.cli import app; app(prog_name='toneguard')",
             *verb],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
        )
    key = done.stdout.strip().splitlines()[-1]
    assert key.startswith("tg_") and len(key) > 30

    from service.db.models import ApiKey
    from service.db.session import Database

    db = Database(db_target.url, db_target.schema)
    try:
        with db.session() as s:
            rows = s.scalars(select(ApiKey)).all()
    finally:
        db.dispose()
    assert len(rows) == 1
    row = rows[0]
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    for column in ApiKey.__table__.columns:
        assert key not in str(getattr(row, column.key)), column.key
    if db_target.dialect == "sqlite":  # nothing on disk holds the key either
        files = list(tmp_path.glob("toneguard.db*"))
        assert files and not any(key.encode() in f.read_bytes() for f in files)


def _ingest(svc: App, mid: str, cid: str, key: str | None = None, text: str | None = None) -> Any:
    r = svc.client.post("/v1/messages", headers=svc.h(key), json={
        "message_id": mid, "client_id": cid, "sent_at": SENT,
        "text": text or "I will sue you if this is not fixed by tonight, idiots!"})
    assert r.status_code == 200, r.text
    return r.json()


def _same_error(a: Any, b: Any, id_a: str, id_b: str) -> None:
    """Another tenant's id and an id that exists nowhere must look exactly alike."""
    assert a.status_code == b.status_code == 404
    assert json.dumps(a.json()).replace(id_a, "ID") == json.dumps(b.json()).replace(id_b, "ID")


def test_tenant_b_cannot_read_list_delete_or_correct_tenant_a_data(svc: App) -> None:
    a_msg = _ingest(svc, "m-secret", "client-a")
    b = svc.key_b
    get = svc.client.get

    _same_error(get("/v1/clients/client-a", headers=svc.h(b)),
                get("/v1/clients/nobody-at-all", headers=svc.h(b)), "client-a", "nobody-at-all")
    _same_error(get("/v1/messages/m-secret", headers=svc.h(b)),
                get("/v1/messages/no-such-msg", headers=svc.h(b)), "m-secret", "no-such-msg")
    assert get("/v1/clients", headers=svc.h(b)).json()["total"] == 0
    assert get("/v1/messages", headers=svc.h(b)).json()["total"] == 0
    assert get("/v1/messages", params={"client_id": "client-a"},
               headers=svc.h(b)).json()["total"] == 0
    assert svc.client.delete("/v1/clients/client-a", headers=svc.h(b)).status_code == 404
    r = svc.client.post("/v1/feedback", headers=svc.h(b),
                        json={"message_id": "m-secret", "labels": []})
    assert r.status_code == 404
    for req in ({"message_id": "m-secret"}, {"text": "hello", "client_id": "client-a"}):
        r = svc.client.post("/v1/replies/suggest", headers=svc.h(b), json=req)
        assert r.status_code == 404, (req, r.text)

    # Tenant B's own ids live in their own namespace: the same id is no conflict (no 409 leak).
    b_msg = _ingest(svc, "m-secret", "client-a", key=b, text="A different text entirely.")
    assert b_msg["created"] is True and b_msg["tally"]["messages_seen"] == 1

    # Tenant A's data is untouched by all of the above.
    card = get("/v1/clients/client-a", headers=svc.h()).json()
    assert card["messages_seen"] == 1 and card["counts"] == a_msg["tally"]["counts"]
    stored = get("/v1/messages/m-secret", headers=svc.h()).json()
    assert stored["labels"] == a_msg["message"]["labels"] and stored["corrected"] is False
    assert stored["text"].startswith("I will sue you")


@pytest.fixture
def signed_app(make_app: Any) -> App:
    secrets = {"acme": {"chatwoot": SecretStr("cw-secret"), "zammad": SecretStr("zm-secret")}}
    return make_app(webhook_secrets=secrets)


def _chatwoot(svc: App, body: bytes, signature: str, stamp: str) -> Any:
    return svc.client.post("/v1/webhooks/chatwoot", params={"tenant": "acme"}, content=body,
                           headers={"Content-Type": "application/json",
                                    "X-Chatwoot-Timestamp": stamp,
                                    "X-Chatwoot-Signature": signature})


def test_webhook_signatures_are_compared_with_compare_digest(
    signed_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = (REPO_ROOT / "tests/service/payloads/chatwoot_message_created.json").read_bytes()
    stamp = str(int(time.time()))
    good = sign("cw-secret", stamp.encode() + b"." + body, "sha256")
    calls: list[tuple[Any, Any]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    # Same length, one hex digit off (first, then last): refused, through compare_digest.
    for i in (7, len(good) - 1):
        flipped = good[:i] + ("0" if good[i] != "0" else "1") + good[i + 1:]
        assert _chatwoot(signed_app, body, flipped, stamp).status_code == 401
    assert len(calls) == 2
    r = _chatwoot(signed_app, body, good, stamp)
    assert r.status_code == 202, r.text
    assert len(calls) == 3 and calls[-1][0] == calls[-1][1]
    zbody = (REPO_ROOT / "tests/service/payloads/zammad_customer_article.json").read_bytes()
    r = signed_app.client.post("/v1/webhooks/zammad", params={"tenant": "acme"}, content=zbody,
                               headers={"Content-Type": "application/json",
                                        "X-Hub-Signature": sign("zm-secret", zbody, "sha1")})
    assert r.status_code == 202, r.text
    assert len(calls) == 4


SECRET_NAMES = re.compile(r"sig|digest|secret|hmac|key_hash|token|^expected$", re.IGNORECASE)


def _names(node: ast.AST) -> list[str]:
    out = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            out.append(sub.id)
        elif isinstance(sub, ast.Attribute):
            out.append(sub.attr)
        elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute):
            out.append(sub.func.attr)
    return out


def test_no_secret_is_compared_with_equals_anywhere_in_the_service() -> None:
    """Grep-check backing the behaviour test above: `==` on secrets leaks timing."""
    offenders = []
    for path in sorted((REPO_ROOT / "service").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare) and any(
                isinstance(op, ast.Eq | ast.NotEq) for op in node.ops
            ):
                names = _names(node)
                # `ApiKey.key_hash == hash_key(key)` is an indexed SQL lookup of the hash of
                # the caller's own input: nothing secret is compared byte by byte in Python.
                if any(SECRET_NAMES.search(n) for n in names) and not any(
                    n in {"None", "len", "type", "name", "status_code", "hash_key"}
                    for n in names
                ):
                    offenders.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}")
    assert offenders == []
