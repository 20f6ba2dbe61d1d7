"""Crash safety: kill -9 the server mid-load; nothing acknowledged is lost, tallies agree.

Then `toneguard db check` is driven as an operator would: it passes on the recovered
database, flags a tally row corrupted by hand, repairs it, and passes again.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from bench.liveserver import REPO_ROOT, DbSpec, LiveServer, create_keys, scratch_database
from bench.load import LoadResult, message_body, send_all

CLIENT = "crash-client"
N_MESSAGES = 300


def toneguard(db: DbSpec, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONEGUARD_")}
    env.update(db.env)
    return subprocess.run(
        [sys.executable, "-c", "from service.cli import app; app(prog_name='toneguard')", *args],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def sql(db: DbSpec, statement: str) -> None:
    from service.db.session import Database

    database = Database(db.url, db.schema)
    try:
        with database.engine.begin() as conn:
            conn.execute(text(statement))
    finally:
        database.dispose()


def load_until_killed(server: LiveServer, key: str, acks_before_kill: int) -> LoadResult:
    bodies = [message_body(i, CLIENT, prefix="crash") for i in range(N_MESSAGES)]
    result = LoadResult()
    server.start()
    worker = threading.Thread(
        target=lambda: asyncio.run(send_all(server.url, key, bodies, 16, timeout=20,
                                            result=result)),
        daemon=True,
    )
    worker.start()
    deadline = time.monotonic() + 120
    while sum(o.status == 200 for o in result.outcomes) < acks_before_kill:
        assert time.monotonic() < deadline, "load made no progress"
        assert worker.is_alive(), f"load ended before the kill: {result.statuses()}"
        time.sleep(0.01)
    server.kill()
    worker.join(timeout=120)
    assert not worker.is_alive()
    return result


def test_kill_9_mid_load_loses_nothing_acknowledged(
    db_kind: str, tiny_classifier_dir: Path, tmp_path: Path
) -> None:
    with scratch_database(db_kind, tmp_path) as db:
        [key] = create_keys(db, "acme")
        log = tmp_path / "server.log"
        result = load_until_killed(LiveServer(db, tiny_classifier_dir, workers=1, log_path=log),
                                   key, acks_before_kill=40)
        acked = result.acked()
        assert len(acked) >= 40
        assert any(o.status == 0 for o in result.outcomes), "the kill did not interrupt the load"
        assert not [o for o in result.outcomes if o.status not in (0, 200)]

        with LiveServer(db, tiny_classifier_dir, workers=1, log_path=log) as server:
            h = {"X-API-Key": key}
            for mid, labels in acked.items():
                r = httpx.get(f"{server.url}/v1/messages/{mid}", headers=h, timeout=30)
                assert r.status_code == 200, (mid, r.text)
                assert sorted(r.json()["labels"]) == labels
            stored = httpx.get(f"{server.url}/v1/messages", params={"client_id": CLIENT},
                               headers=h, timeout=30).json()["total"]
            # In-flight requests may have committed without their answer getting out.
            assert len(acked) <= stored <= len(acked) + 16
            card = httpx.get(f"{server.url}/v1/clients/{CLIENT}", headers=h, timeout=30).json()
            assert card["messages_seen"] == stored
            check = toneguard(db, "db", "check")
            assert check.returncode == 0, check.stdout + check.stderr
            assert "tallies match" in check.stdout

            # The helpdesk retries everything: each message ends up counted exactly once.
            bodies = [message_body(i, CLIENT, prefix="crash") for i in range(N_MESSAGES)]
            retry = asyncio.run(send_all(server.url, key, bodies, 8))
            assert retry.statuses() == {200: N_MESSAGES}
            assert sum(bool(o.created) for o in retry.outcomes) == N_MESSAGES - stored
            card = httpx.get(f"{server.url}/v1/clients/{CLIENT}", headers=h, timeout=30).json()
            assert card["messages_seen"] == N_MESSAGES
        assert toneguard(db, "db", "check").returncode == 0


def test_db_check_finds_and_repairs_a_corrupted_tally(
    db_kind: str, tiny_classifier_dir: Path, tmp_path: Path
) -> None:
    with scratch_database(db_kind, tmp_path) as db:
        [key] = create_keys(db, "acme")
        with LiveServer(db, tiny_classifier_dir, log_path=tmp_path / "s.log") as server:
            bodies = [message_body(i, CLIENT) for i in range(12)]
            assert asyncio.run(send_all(server.url, key, bodies, 4)).statuses() == {200: 12}
            good = httpx.get(f"{server.url}/v1/clients/{CLIENT}", headers={"X-API-Key": key},
                             timeout=30).json()
        assert toneguard(db, "db", "check").returncode == 0
        label = next(lab for lab, n in good["counts"].items() if n > 0)

        sql(db, f"UPDATE label_tallies SET n = n + 7 WHERE label = '{label}'")
        sql(db, "UPDATE clients SET message_count = message_count - 3")
        sql(db, "DELETE FROM message_labels WHERE message_pk = "
                "(SELECT MIN(message_pk) FROM message_labels)")
        found = toneguard(db, "db", "check")
        assert found.returncode == 1
        assert f"count:{label} stored {good['counts'][label] + 7}" in found.stdout
        assert "messages_seen stored 9 but messages say 12" in found.stdout
        assert "label_index" in found.stdout

        fixed = toneguard(db, "db", "check", "--repair")
        assert fixed.returncode == 0, fixed.stdout + fixed.stderr
        assert "repaired" in fixed.stdout
        again = toneguard(db, "db", "check")
        assert again.returncode == 0 and "tallies match" in again.stdout
        with LiveServer(db, tiny_classifier_dir, log_path=tmp_path / "s.log") as server:
            card = httpx.get(f"{server.url}/v1/clients/{CLIENT}", headers={"X-API-Key": key},
                             timeout=30).json()
        assert card["messages_seen"] == 12
        assert card["counts"] == good["counts"]


@pytest.fixture(autouse=True)
def _quiet_httpx() -> None:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
