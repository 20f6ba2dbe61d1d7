"""The agent console: a server-rendered shell plus local static JS/CSS.

Pages are thin: the shell only says which page to run, and the browser fetches
the data from the same `/v1` API with the agent's key, so the console never
sees more than the key allows and nothing here touches the database.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

WEB_DIR = Path(__file__).resolve().parents[2] / "web"
STATIC_DIR = WEB_DIR / "static"
templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))

# Only these files are served: a fixed list keeps path tricks out entirely.
STATIC_FILES = frozenset(
    p.relative_to(STATIC_DIR).as_posix()
    for p in STATIC_DIR.rglob("*")
    if p.is_file() and p.suffix in {".js", ".css", ".svg"}
)

# Headers for every console page: no third-party content, no framing, no sniffing.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        "form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

router = APIRouter(include_in_schema=False)


def _page(request: Request, page: str, item_id: str = "") -> Response:
    response = templates.TemplateResponse(
        request, "shell.html", {"page": page, "item_id": item_id}, headers=SECURITY_HEADERS
    )
    return response


@router.get("/", response_class=HTMLResponse)
def inbox_page(request: Request) -> Response:
    """The inbox is the landing page: it is what an agent keeps open."""
    return _page(request, "inbox")


@router.get("/ui", response_class=HTMLResponse)
def ui_root() -> Response:
    return RedirectResponse("/", status_code=307)


# Pages about one record take its id; the others are lists and tools. The shell is the same:
# app.js renders what <body data-page> names.
ID_PAGES = ("message", "client")
PAGES = ("clients", "try", "settings", "review", "jobs")


def _id_page(page: str) -> None:
    def view(request: Request, id: Annotated[str, Query(min_length=1)]) -> Response:
        return _page(request, page, id)

    router.add_api_route(f"/ui/{page}", view, methods=["GET"], response_class=HTMLResponse,
                         name=f"{page}_page")


def _list_page(page: str) -> None:
    def view(request: Request) -> Response:
        return _page(request, page)

    router.add_api_route(f"/ui/{page}", view, methods=["GET"], response_class=HTMLResponse,
                         name=f"{page}_page")


for _name in ID_PAGES:
    _id_page(_name)
for _name in PAGES:
    _list_page(_name)


@router.get("/ui/static/{name:path}")
def static_file(name: str) -> Response:
    if name not in STATIC_FILES:
        raise HTTPException(status_code=404, detail="No such console file.")
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if name.endswith(".js"):
        media_type = "text/javascript"
    return FileResponse(
        STATIC_DIR / name,
        media_type=media_type,
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"},
    )
