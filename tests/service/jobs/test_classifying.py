"""`toneguard jobs work --classify`: a separate, lower-priority process classifies accepted
webhook deliveries (the service then runs no job threads of its own)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from service.config import Settings
from service.db.models import Job, Message
from service.integrations import deliveries
from service.integrations.common import Ignored
from service.integrity import check_tallies
from service.jobs import queue
from service.tenants import create_key

REPO = Path(__file__).resolve().parents[3]
PAYLOAD = REPO / "tests" / "service" / "payloads" / "zammad_customer_article.json"


def _nice_of(pid: int) -> int:
    """Field 19 of /proc/PID/stat (after the parenthesised command name)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[16])


def _accept(db: Any, n: int) -> None:
    body = json.loads(PAYLOAD.read_bytes())
    body["article"]["id"] = 5000 + n
    raw = json.dumps(body).encode()
    parsed = deliveries.parse_delivery("zammad", raw)
    assert not isinstance(parsed, Ignored)
    [done] = deliveries.accept_many(db, [deliveries.Delivery("acme", "zammad", raw, parsed)], 3)
    assert done is not None and done.created


def test_a_niced_worker_process_classifies_accepted_deliveries(
        db_target: Any, migrated_db: Any, tiny_classifier_dir: Path, tmp_path: Path) -> None:
    db = migrated_db
    with db.session() as s:
        create_key(s, "acme")
    for n in range(3):
        _accept(db, n)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONEGUARD_")}
    env.update({"TONEGUARD_DATABASE_URL": db_target.url, "TONEGUARD_MODEL_DIR":
                str(tiny_classifier_dir), "TONEGUARD_REPLIES_MODE": "rules",
                "TONEGUARD_BOOTSTRAP_DEFAULT_TENANT": "false", "TONEGUARD_JOBS_WORKERS": "0",
                "TONEGUARD_JOBS_POLL_SECONDS": "0.2", "TONEGUARD_DATA_DIR": str(tmp_path)})
    if db_target.schema:
        env["TONEGUARD_DATABASE_SCHEMA"] = db_target.schema
    log = (tmp_path / "worker.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from service.cli import app; app(prog_name='toneguard')",
         "jobs", "work", "--classify", "--threads", "2", "--nice", "5", "--idle"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        stored, accepted = 0, 3
        while time.monotonic() < deadline and stored < 4:
            assert proc.poll() is None, (tmp_path / "worker.log").read_text()
            if stored == accepted == 3:  # one more, accepted while the worker runs
                _accept(db, 3)
                accepted = 4
            with db.session() as s:
                stored = s.scalar(select(func.count()).select_from(Message)) or 0
            time.sleep(0.3)
        assert stored == 4, (tmp_path / "worker.log").read_text()
        assert _nice_of(proc.pid) >= 5  # lowered before the model loaded
        assert os.sched_getscheduler(proc.pid) == os.SCHED_IDLE
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
        log.close()
    with db.session() as s:
        assert set(s.scalars(select(Job.status))) == {queue.DONE}
        assert check_tallies(s, Settings().risk_half_life_days) == []
    assert "classifying job worker started: 2 thread(s)" in (tmp_path / "worker.log").read_text()
