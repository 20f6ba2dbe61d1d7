"""Exact counting under concurrency: N service workers, one database, one busy client.

    python -m bench.workers --db sqlite|postgres [--workers 4] [--messages 400] [--senders 32]

Starts `toneguard serve --workers N` on a fresh database, sends the messages for ONE
client from concurrent senders (every 10th twice, back to back, so two workers race on
the same id), then checks that the client's tally equals the number of distinct
messages, per label too, against the API, the stored rows and `db check`. Exit 1 on
any mismatch; a JSON summary goes to bench/results/.
"""

from __future__ import annotations

import asyncio
import json
import logging
import platform
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import httpx
import typer

from bench.liveserver import (
    REPO_ROOT,
    DbSpec,
    LiveServer,
    create_keys,
    default_model_dir,
    scratch_database,
)
from bench.load import LoadResult, message_body, send_all, with_duplicates
from classifier.scripts import run_command

CLIENT_ID = "busy-client"
RESULTS_DIR = REPO_ROOT / "bench" / "results"


def stored_counts(db: DbSpec, client_id: str) -> tuple[int, Counter[str], int]:
    """(messages stored, label counts from the stored rows, tally drifts) read from the DB."""
    from sqlalchemy import select

    from service.db.models import Client, Message
    from service.db.session import Database
    from service.integrity import check_tallies

    database = Database(db.url, db.schema)
    try:
        with database.session() as s:
            labels = s.scalars(
                select(Message.labels).join(Client, Client.id == Message.client_pk)
                .where(Client.external_id == client_id)
            ).all()
            drifts = check_tallies(s, 14.0)
        counts: Counter[str] = Counter(lab for row in labels for lab in set(row))
        return len(labels), counts, len(drifts)
    finally:
        database.dispose()


def verify(server_url: str, key: str, db: DbSpec, load: LoadResult,
           expected_ids: set[str]) -> list[str]:
    """Every way the counts could be wrong, in words; empty when they are exact."""
    problems: list[str] = []
    bad = [o for o in load.outcomes if o.status != 200]
    if bad:
        problems.append(f"{len(bad)} request(s) failed, e.g. {bad[0].status} {bad[0].error}")
    acked = load.acked()
    if set(acked) != expected_ids:
        problems.append(f"{len(expected_ids - set(acked))} message(s) never acknowledged")
    created = Counter(o.message_id for o in load.outcomes if o.created)
    twice = [m for m, n in created.items() if n > 1]
    if twice:
        problems.append(f"{len(twice)} message(s) reported created twice, e.g. {twice[0]}")
    per_id: dict[str, set[tuple[str, ...]]] = {}
    for o in load.outcomes:
        if o.labels is not None:
            per_id.setdefault(o.message_id, set()).add(tuple(sorted(o.labels)))
    if any(len(v) > 1 for v in per_id.values()):
        problems.append("a replayed message came back with different labels")
    expected = Counter(lab for labels in acked.values() for lab in labels)
    card = httpx.get(f"{server_url}/v1/clients/{CLIENT_ID}", headers={"X-API-Key": key},
                     timeout=30).json()
    if card["messages_seen"] != len(expected_ids):
        problems.append(f"tally says {card['messages_seen']} messages, "
                        f"sent {len(expected_ids)} distinct")
    for label, n in card["counts"].items():
        if n != expected.get(label, 0):
            problems.append(f"tally {label}={n}, acknowledged say {expected.get(label, 0)}")
    n_rows, row_counts, drifts = stored_counts(db, CLIENT_ID)
    if n_rows != len(expected_ids):
        problems.append(f"{n_rows} rows stored for {len(expected_ids)} distinct messages")
    if row_counts != expected:
        problems.append(f"stored labels {dict(row_counts)} != acknowledged {dict(expected)}")
    if drifts:
        problems.append(f"db check found {drifts} tally difference(s)")
    return problems


def run(kind: str, workers: int, messages: int, senders: int, model_dir: Path,
        work_dir: Path) -> dict[str, Any]:
    """One full run; returns the summary (with `problems`, empty on success)."""
    bodies = [message_body(i, CLIENT_ID) for i in range(messages)]
    requests = with_duplicates(bodies, every=10)
    with scratch_database(kind, work_dir) as db:
        [key] = create_keys(db, "acme")
        server = LiveServer(db, model_dir, workers=workers, log_path=work_dir / "server.log")
        with server:
            load = asyncio.run(send_all(server.url, key, requests, senders))
            problems = verify(server.url, key, db, load, {b["message_id"] for b in bodies})
            card = httpx.get(f"{server.url}/v1/clients/{CLIENT_ID}",
                             headers={"X-API-Key": key}, timeout=30).json()
    latencies = sorted(o.seconds for o in load.outcomes)
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {platform.machine()}",
        "database": kind, "workers": workers, "distinct_messages": messages,
        "requests": len(requests), "senders": senders, "model_dir": str(model_dir),
        "statuses": load.statuses(), "seconds": round(load.seconds, 2),
        "requests_per_s": round(len(requests) / load.seconds, 1),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
        "p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000, 1),
        "tally": {"messages_seen": card["messages_seen"], "counts": card["counts"]},
        "problems": problems,
    }


def cli(
    db: Annotated[Literal["sqlite", "postgres"], typer.Option()] = "sqlite",
    workers: Annotated[int, typer.Option()] = 4,
    messages: Annotated[int, typer.Option()] = 400,
    senders: Annotated[int, typer.Option()] = 32,
    model_dir: Annotated[Path | None, typer.Option()] = None,
) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    model_dir = model_dir or default_model_dir()
    with tempfile.TemporaryDirectory(prefix="tg-workers-") as tmp:
        summary = run(db, workers, messages, senders, model_dir, Path(tmp))
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"workers-{db}.json"
    out.write_text(json.dumps(summary, indent=2) + "\n")
    for k in ("database", "workers", "requests", "senders", "statuses", "seconds",
              "requests_per_s", "p50_ms", "p95_ms", "tally"):
        print(f"{k:>16}: {summary[k]}")
    verdict = "EXACT" if not summary["problems"] else "WRONG"
    print(f"{'counting':>16}: {verdict}")
    for problem in summary["problems"]:
        print(f"  - {problem}")
    print(f"(summary in {out.relative_to(REPO_ROOT)})")
    return 0 if not summary["problems"] else 1


if __name__ == "__main__":
    sys.exit(run_command(cli, None, "python -m bench.workers", __doc__.split("\n\n")[0]))
