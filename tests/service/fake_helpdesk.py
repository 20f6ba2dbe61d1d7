"""A local HTTP server speaking the parts of Chatwoot's and Zammad's APIs that write-back
uses, plus a Slack-style chat webhook. It keeps state like the real ones (labels replaced
by POST, notes listed back), records every call, and can fail the next N calls.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

CHATWOOT_TOKEN = "cw-agent-token"
ZAMMAD_TOKEN = "zm-agent-token"
_CONV = re.compile(r"^/api/v1/accounts/(\d+)/conversations/(\d+)/(labels|messages)$")
_BY_TICKET = re.compile(r"^/api/v1/ticket_articles/by_ticket/(\d+)$")


@dataclass
class Call:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class Failure:
    method: str
    path_part: str
    times: int
    status: int


@dataclass
class State:
    labels: dict[tuple[int, int], list[str]] = field(default_factory=dict)
    messages: dict[tuple[int, int], list[dict[str, Any]]] = field(default_factory=dict)
    tags: dict[int, list[str]] = field(default_factory=dict)
    articles: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    chat: list[dict[str, Any]] = field(default_factory=list)


class FakeHelpdesk:
    """`with FakeHelpdesk() as desk:` serves on 127.0.0.1 at `desk.url`."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.state = State()
        self.failures: list[Failure] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeHelpdesk:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, method: str, path_part: str, times: int, status: int = 500) -> None:
        with self.lock:
            self.failures.append(Failure(method, path_part, times, status))

    def calls_to(self, method: str, path_part: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == method and path_part in c.path]

    def _planned_failure(self, method: str, path: str) -> int | None:
        for f in self.failures:
            if f.method == method and f.path_part in path and f.times > 0:
                f.times -= 1
                return f.status
        return None

    def answer(self, method: str, path: str, query: dict[str, list[str]],
               headers: dict[str, str], body: Any) -> tuple[int, Any]:
        with self.lock:
            self.calls.append(Call(method, path, headers, body))
            status = self._planned_failure(method, path)
            if status is not None:
                return status, {"error": "planned failure"}
            return self._route(method, path, query, headers, body)

    def _route(self, method: str, path: str, query: dict[str, list[str]],
               headers: dict[str, str], body: Any) -> tuple[int, Any]:
        st = self.state
        if path == "/hooks/chat" and method == "POST":
            st.chat.append(body)
            return 200, "ok"
        m = _CONV.match(path)
        if m:
            if headers.get("api_access_token") != CHATWOOT_TOKEN:
                return 401, {"error": "Invalid Access Token"}
            conv = (int(m.group(1)), int(m.group(2)))
            if m.group(3) == "labels":
                if method == "POST":
                    st.labels[conv] = list(body["labels"])  # replaces the whole list
                return 200, {"payload": st.labels.get(conv, [])}
            messages = st.messages.setdefault(conv, [])
            if method == "POST":
                messages.append({"id": 9000 + len(messages), **body})
                return 200, messages[-1]
            return 200, {"meta": {}, "payload": messages[-20:]}
        zammad_path = path.startswith(("/api/v1/tags", "/api/v1/ticket_articles"))
        if zammad_path and headers.get("authorization") != f"Token token={ZAMMAD_TOKEN}":
            return 401, {"error": "authentication failed"}
        if path == "/api/v1/tags" and method == "GET":
            return 200, {"tags": st.tags.get(int(query["o_id"][0]), [])}
        if path == "/api/v1/tags/add" and method == "POST":
            assert body["object"] == "Ticket"
            tags = st.tags.setdefault(int(body["o_id"]), [])
            if body["item"] not in tags:
                tags.append(body["item"])
            return 201, True
        m = _BY_TICKET.match(path)
        if m and method == "GET":
            return 200, st.articles.get(int(m.group(1)), [])
        if path == "/api/v1/ticket_articles" and method == "POST":
            articles = st.articles.setdefault(int(body["ticket_id"]), [])
            articles.append({"id": 5000 + len(articles), "sender": "Agent", **body})
            return 201, articles[-1]
        return 404, {"error": f"no route {method} {path}"}


def _handler_for(desk: FakeHelpdesk) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, answer = desk.answer(self.command, parts.path, parse_qs(parts.query),
                                         headers, body)
            out = answer.encode() if isinstance(answer, str) else json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type",
                             "text/plain" if isinstance(answer, str) else "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
