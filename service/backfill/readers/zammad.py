"""Zammad history: pages saved from its REST API, in one folder.

Read, in any mix and any file names:

* tickets, `GET /api/v1/tickets?page=N&per_page=100` (a list; `customer_id` names the
  client), optionally each with its `articles` list embedded;
* articles, `GET /api/v1/ticket_articles/by_ticket/{ticket}` (a list, `ticket_id` each);
* search and `?all=true` answers with `assets`: `{"assets": {"Ticket": {id: ...},
  "TicketArticle": {id: ...}}}`.

The folder is read twice: first the tickets (id, customer, title), then the articles,
each joined to its ticket and passed through the webhook's parser
(service.integrations.zammad), so only customer articles that are not internal count
(agents' and system articles are counted as ignored) and ids match live webhooks.
Articles carry their sender as `sender` ("Customer", with `expand=true`) or `sender_id`
(Zammad's defaults: 1 Agent, 2 Customer, 3 System).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from service.backfill.readers.pages import load_pages
from service.backfill.rows import Limits, bad, ignored, message
from service.integrations import PayloadError
from service.integrations.common import Ignored
from service.integrations.zammad import parse_payload

SENDERS = {1: "Agent", 2: "Customer", 3: "System"}
_TICKET_KEYS = ("id", "customer_id", "customer", "title")


def _is_ticket(item: Any) -> bool:
    return isinstance(item, dict) and "ticket_id" not in item and (
        "customer_id" in item or "articles" in item)


def _is_article(item: Any) -> bool:
    return isinstance(item, dict) and "ticket_id" in item


def _items(page: Any) -> Iterator[tuple[str, Any]]:
    """(JSON path, ticket or article) for everything on a page."""
    if isinstance(page, dict) and isinstance(page.get("assets"), dict):
        for kind in ("Ticket", "TicketArticle"):
            group = page["assets"].get(kind)
            for key, item in (group.items() if isinstance(group, dict) else []):
                yield f"assets.{kind}.{key}", item
    elif isinstance(page, list):
        for i, item in enumerate(page):
            yield f"[{i}]", item
    elif isinstance(page, dict):
        yield "", page


def _tickets(folder: Path) -> dict[str, dict[str, Any]]:
    index: dict[str, dict[str, Any]] = {}
    for _, page in load_pages(folder):
        for _, item in _items(page):
            if _is_ticket(item) and item.get("id") is not None:
                index[str(item["id"])] = {k: item[k] for k in _TICKET_KEYS if k in item}
    return index


def _articles(page: Any) -> Iterator[tuple[str, Any, dict[str, Any] | None]]:
    """(JSON path, article, the ticket it was embedded in, if any)."""
    for where, item in _items(page):
        if _is_ticket(item) and isinstance(item.get("articles"), list):
            for j, article in enumerate(item["articles"]):
                yield f"{where}.articles[{j}]", article, item
        elif _is_article(item):
            yield where, item, None


def _delivery(article: dict[str, Any], ticket: dict[str, Any]) -> dict[str, Any]:
    """The article in the shape of a Zammad trigger delivery."""
    article = dict(article)
    if not article.get("sender") and article.get("sender_id") in SENDERS:
        article["sender"] = SENDERS[article["sender_id"]]
    return {"ticket": ticket, "article": article}


def _row(src: str, article: Any, ticket: dict[str, Any] | None,
         limits: Limits) -> dict[str, Any]:
    if not isinstance(article, dict):
        return bad(src, "an article must be a JSON object")
    if ticket is None:
        return bad(src, f"ticket {article.get('ticket_id')} is not in the export, so its "
                   "customer is unknown (save the tickets pages in the same folder)")
    try:
        parsed = parse_payload(_delivery(article, ticket))
    except PayloadError as exc:
        return bad(src, str(exc))
    if isinstance(parsed, Ignored):
        return ignored(src, parsed.reason)
    return message(src, parsed, limits)


def read_zammad(folder: Path, limits: Limits) -> Iterator[dict[str, Any]]:
    tickets = _tickets(folder)
    for path, page in load_pages(folder):
        if isinstance(page, str):
            yield bad(str(path), page)
            continue
        found = False
        for where, article, ticket in _articles(page):
            found = True
            owner = ticket if ticket is not None else tickets.get(str(article.get("ticket_id"))
                                                                  if isinstance(article, dict)
                                                                  else "")
            yield _row(f"{path}: {where}", article, owner, limits)
        if not found and not any(_is_ticket(item) for _, item in _items(page)):
            yield bad(str(path), "not a Zammad tickets or articles page")


def is_zammad(page: Any) -> bool:
    return any(_is_ticket(item) or _is_article(item) for _, item in _items(page))
