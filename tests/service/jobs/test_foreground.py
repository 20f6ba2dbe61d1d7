"""Job workers hold off while webhook deliveries keep arriving, and never for ever."""

from __future__ import annotations

import multiprocessing
import struct
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from service.jobs.foreground import ForegroundActivity, SharedClock, board_path, open_board
from tests.service.test_webhooks_api import ACME_ZM, zammad_post
from tests.service.test_webhooks_queue import _raw


@pytest.fixture
def app_settings(app_settings: Any) -> Any:
    return app_settings.model_copy(update={
        "webhook_secrets": {"acme": {"zammad": SecretStr(ACME_ZM)}}, "jobs_workers": 0})


def test_quiet_gate_opens_at_once_without_deliveries() -> None:
    gate = ForegroundActivity(quiet_s=0.2, max_wait_s=5.0)
    assert not gate.busy()
    assert gate.wait_quiet(threading.Event()) < 0.05


def test_gate_waits_for_a_pause_in_the_deliveries() -> None:
    gate = ForegroundActivity(quiet_s=0.15, max_wait_s=5.0)
    stop = threading.Event()

    def deliveries() -> None:  # one delivery every 50 ms for 0.5 s, then silence
        end = time.monotonic() + 0.5
        while time.monotonic() < end:
            gate.note()
            time.sleep(0.05)

    gate.note()
    sender = threading.Thread(target=deliveries)
    sender.start()
    waited = gate.wait_quiet(stop)
    sender.join()
    assert 0.5 <= waited < 1.5  # through the burst, then the quiet period
    assert not gate.busy()


def test_a_flood_that_never_pauses_still_lets_workers_claim() -> None:
    gate = ForegroundActivity(quiet_s=10.0, max_wait_s=0.3)
    gate.note()
    assert 0.3 <= gate.wait_quiet(threading.Event()) < 1.0


def test_stop_ends_the_wait() -> None:
    gate = ForegroundActivity(quiet_s=10.0, max_wait_s=30.0)
    gate.note()
    stop = threading.Event()
    threading.Timer(0.1, stop.set).start()
    assert gate.wait_quiet(stop) < 1.0


def test_an_accepted_delivery_marks_the_service_busy(api: Any) -> None:
    """The webhook route notes each delivery on the running workers' gate."""
    gate = api.app.state.jobs.foreground
    assert not gate.busy()
    r = zammad_post(api, _raw("zammad_customer_article.json"))
    assert r.status_code == 202, r.text
    assert gate.busy()


def _note_from_another_process(path: str) -> None:
    ForegroundActivity(board=SharedClock(Path(path))).note()


def test_a_delivery_in_another_process_holds_this_one_off(tmp_path: Path) -> None:
    """The separate classifying process sees the service's deliveries through the board."""
    path = board_path(tmp_path, "postgresql+psycopg://u@h/db")
    gate = ForegroundActivity(quiet_s=0.5, max_wait_s=5.0, board=SharedClock(path))
    assert not gate.busy()
    proc = multiprocessing.get_context("spawn").Process(target=_note_from_another_process,
                                                        args=(str(path),))
    proc.start()
    proc.join(60)
    assert proc.exitcode == 0
    assert gate.busy()
    assert 0.2 < gate.wait_quiet(threading.Event()) < 2.0


def test_each_database_has_its_own_board(tmp_path: Path) -> None:
    a = board_path(tmp_path, "postgresql+psycopg://u@h/a")
    assert a != board_path(tmp_path, "postgresql+psycopg://u@h/b")
    assert a == board_path(tmp_path, "postgresql+psycopg://u@h/a")
    assert a != board_path(tmp_path, "postgresql+psycopg://u@h/a", "tenant_schema")


def test_a_stale_or_torn_board_reads_as_no_delivery(tmp_path: Path) -> None:
    path = tmp_path / "board"
    for junk in (float("nan"), -1.0, time.monotonic() + 3600.0):  # e.g. from before a reboot
        path.write_bytes(struct.pack("<d", junk))
        gate = ForegroundActivity(quiet_s=10.0, board=SharedClock(path))
        assert not gate.busy()


def test_an_unusable_board_falls_back_to_this_process(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert open_board(blocker / "run" / "board") is None
    gate = ForegroundActivity(quiet_s=10.0, board=None)
    gate.note()
    assert gate.busy()


def test_a_classifying_process_on_this_host_sees_the_services_deliveries(
        api: Any, app_settings: Any) -> None:
    """What `toneguard jobs work --classify` reads: the board of the service's database."""
    elsewhere = ForegroundActivity(quiet_s=5.0, board=open_board(
        board_path(app_settings.data_dir, app_settings.database_url,
                   app_settings.database_schema)))
    assert elsewhere.board is not None and not elsewhere.busy()
    r = zammad_post(api, _raw("zammad_customer_article.json"))
    assert r.status_code == 202, r.text
    assert elsewhere.busy()
