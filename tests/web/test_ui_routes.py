"""The console's own routes, without a browser: shell, static files, headers."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.api.routes import ui


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    app.include_router(ui.router)
    return TestClient(app)


@pytest.mark.parametrize(
    ("path", "page"),
    [("/", "inbox"), ("/ui/try", "try"), ("/ui/message?id=m1", "message"),
     ("/ui/client?id=c1", "client"), ("/ui/clients", "clients")],
)
def test_pages_render_the_shell(client: TestClient, path: str, page: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert f'data-page="{page}"' in r.text
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert r.headers["x-frame-options"] == "DENY"
    # Everything is local: no address outside the service in the shell.
    assert "http://" not in r.text and "https://" not in r.text


def test_page_id_is_escaped(client: TestClient) -> None:
    r = client.get("/ui/message", params={"id": '"><script>alert(1)</script>'})
    assert r.status_code == 200
    assert "<script>alert(1)</script>" not in r.text
    assert "&#34;&gt;&lt;script&gt;" in r.text


def test_page_without_id_is_a_clear_422(client: TestClient) -> None:
    r = client.get("/ui/client")
    assert r.status_code == 422


@pytest.mark.parametrize("name", ["app.js", "app.css", "i18n.js", "highlight.js", "clients.js"])
def test_static_files_are_served_with_their_type(client: TestClient, name: str) -> None:
    r = client.get(f"/ui/static/{name}")
    assert r.status_code == 200
    expected = "text/javascript" if name.endswith(".js") else "text/css"
    assert r.headers["content-type"].startswith(expected)
    assert r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "name", ["../templates/shell.html", "..%2Ftemplates%2Fshell.html", "nope.js", "/etc/passwd"]
)
def test_only_listed_static_files_are_served(client: TestClient, name: str) -> None:
    assert client.get(f"/ui/static/{name}").status_code == 404
