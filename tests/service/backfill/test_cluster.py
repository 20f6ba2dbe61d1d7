"""`toneguard backfill --address` joins a Ray cluster it did not start (as on several
machines sharing one PostgreSQL): the cluster's own workers score, the database counts once.

`ray start --head` turns on token authentication (Ray 2.5x) and writes the token to
~/.ray/auth_token; the backfill joins in token mode when a token is at hand (an earlier
version of this test passed until that file appeared, then every driver was turned away)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bench.liveserver import free_port, stop_group
from service.backfill.pipeline import Options, run
from service.db.models import Message
from service.integrity import check_tallies
from tests.service.backfill.conftest import tenant, write_history

REPO = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow  # a Ray head node takes about half a minute to start and stop


@pytest.fixture
def ray_head() -> Iterator[str]:
    """A Ray head node in its own processes (`ray start --head --block`), stopped after."""
    import ray

    # Ray's socket paths live under its temp dir: pytest's tmp_path is too long for them.
    temp = tempfile.mkdtemp(prefix="tgray-", dir="/tmp")

    assert not ray.is_initialized()
    port = free_port()
    ray_cli = Path(sys.executable).with_name("ray")
    proc = subprocess.Popen(
        [str(ray_cli), "start", "--head", "--block", f"--port={port}", "--num-cpus=2",
         "--include-dashboard=false", "--disable-usage-stats",
         f"--temp-dir={temp}", "--object-store-memory=200000000"],
        cwd=REPO, start_new_session=True, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    address = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert proc.poll() is None, "ray start exited"
            time.sleep(0.5)
        else:
            pytest.fail("the Ray head did not open its port")
        # The port opens before the node is ready to take a driver: wait until it answers.
        env = {**os.environ, "RAY_AUTH_MODE": "token"}
        while subprocess.run([str(ray_cli), "health-check", f"--address={address}"], env=env,
                             capture_output=True, timeout=60).returncode != 0:
            assert proc.poll() is None, "ray start exited"
            assert time.monotonic() < deadline, "the Ray head never became healthy"
            time.sleep(1.0)
        yield address
    finally:
        stop_group(proc, grace=60)
        shutil.rmtree(temp, ignore_errors=True)


@pytest.fixture
def auth_mode_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    """No RAY_AUTH_MODE before the test, and none left after it (the backfill sets it)."""
    monkeypatch.setenv("RAY_AUTH_MODE", "unset")
    monkeypatch.delenv("RAY_AUTH_MODE")


def test_backfill_joins_a_running_cluster(ray_head: str, auth_mode_unset: None,
                                          tenant_settings: Any, migrated_db: Any,
                                          tmp_path: Path) -> None:
    import ray

    settings, db = tenant_settings, migrated_db
    history = write_history(tmp_path / "history.jsonl", 40)
    summary = run(settings, db, tenant(db), Options(inputs=[history], address=ray_head,
                                                    batch_size=8))
    assert not ray.is_initialized()  # the driver left; the cluster is not ours to stop
    assert summary.actors == 2  # sized from the cluster's CPUs, not this process's
    assert (summary.counts.scored, summary.counts.bad) == (40, 0)
    again = run(settings, db, tenant(db), Options(inputs=[history], address=ray_head))
    assert (again.counts.scored, again.counts.present) == (0, 40)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Message)) == 40
        assert check_tallies(s, settings.risk_half_life_days) == []

