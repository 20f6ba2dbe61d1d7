"""`toneguard backfill` killed with kill -9 and started again: the rest is scored, nothing
twice, and the database equals a backfill done in one go into a fresh one."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from service.db.migrate import upgrade
from service.db.session import Database
from service.tenants import create_key
from tests.service.backfill.conftest import write_history

N = 400
CLI = [sys.executable, "-c", "from service.cli import app; app(prog_name='toneguard')"]


def _database(path: Path) -> dict[str, str]:
    url = f"sqlite:///{path}"
    db = Database(url)
    upgrade(db)
    with db.session() as s:
        create_key(s, "acme")
    db.dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TONEGUARD_", "RAY_"))}
    return {**env, "TONEGUARD_DATABASE_URL": url}


def _backfill(env: dict[str, str], history: Path, model: Path, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [*CLI, "backfill", str(history), "--tenant", "acme", "--model", str(model),
         "--batch-size", "4", "--json"],
        env=env, stdout=subprocess.PIPE, stderr=log.open("wb"), start_new_session=True)


def _stored(path: Path) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) as conn:
        return int(conn.execute("SELECT count(*) FROM messages").fetchone()[0])


def _finish(proc: subprocess.Popen, log: Path) -> dict[str, Any]:
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, log.read_text(errors="replace")[-3000:]
    return json.loads(out.decode().strip().splitlines()[-1])


def _snapshot(path: Path) -> dict[str, Any]:
    with sqlite3.connect(path) as conn:
        messages = sorted(conn.execute(
            "SELECT message_id, labels, event_at, outside_business_hours FROM messages"))
        clients = sorted((ext, n) for ext, n in conn.execute(
            "SELECT external_id, message_count FROM clients"))
        tallies = sorted(conn.execute(
            "SELECT c.external_id, t.label, t.n FROM label_tallies t "
            "JOIN clients c ON c.id = t.client_pk"))
        risk = {ext: ref for ext, ref in conn.execute("SELECT external_id, risk_ref FROM clients")}
    return {"messages": messages, "clients": clients, "tallies": tallies, "risk": risk}


def _db_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, "db", "check"], env=env, capture_output=True, text=True,
                          timeout=300)


def test_kill_9_then_rerun_equals_a_fresh_backfill(tmp_path: Path,
                                                  tiny_classifier_dir: Path) -> None:
    history = write_history(tmp_path / "history.jsonl", N)
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    env_a, env_b = _database(a), _database(b)
    log = tmp_path / "first.log"
    proc = _backfill(env_a, history, tiny_classifier_dir, log)
    deadline = time.monotonic() + 600
    while _stored(a) < 8:
        assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    with contextlib.suppress(ProcessLookupError):  # Ray's processes, if any outlived it
        os.killpg(proc.pid, signal.SIGKILL)
    done = _stored(a)
    assert 0 < done < N, "the run was not killed mid-way"
    check = _db_check(env_a)  # whole batches only: consistent even right after the kill
    assert check.returncode == 0, check.stdout + check.stderr

    resumed = _finish(_backfill(env_a, history, tiny_classifier_dir, tmp_path / "2.log"),
                      tmp_path / "2.log")
    assert (resumed["read"], resumed["scored"], resumed["already_present"], resumed["bad"]) == (
        N, N - done, done, 0)
    check = _db_check(env_a)
    assert check.returncode == 0 and "match" in check.stdout, check.stdout + check.stderr

    fresh = _finish(_backfill(env_b, history, tiny_classifier_dir, tmp_path / "3.log"),
                    tmp_path / "3.log")
    assert (fresh["scored"], fresh["already_present"]) == (N, 0)
    resumed_db, fresh_db = _snapshot(a), _snapshot(b)
    for part in ("messages", "clients", "tallies"):
        assert resumed_db[part] == fresh_db[part], part
    assert resumed_db["risk"].keys() == fresh_db["risk"].keys()
    for client, ref in fresh_db["risk"].items():
        assert abs(resumed_db["risk"][client] - ref) <= 1e-9 * max(1.0, abs(ref))
