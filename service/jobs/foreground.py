"""Background work yields to a burst of webhook deliveries.

A delivery must be answered within the helpdesk's timeout (Chatwoot gives up after 5 s and
never retries); classifying it can wait. On a small machine the job workers' model calls
take the same cores the accepting requests need, so while deliveries keep arriving a
worker finishes its current job and waits before claiming the next one: until no
delivery has arrived for `quiet_s`, or at most `max_wait_s` (so a flood that never
pauses still sees every worker claim a job that often).

The service's workers and a separate classifying process (`toneguard jobs work
--classify`) on the same host share the moment of the last arrival through an 8-byte
memory-mapped board (`SharedClock`): a store per delivery, no system call, and the
classifying process stops claiming jobs (and writing to the database) during a burst, as
the service's own threads do. `time.monotonic()` is the host's CLOCK_MONOTONIC, the same
in every process.
"""

from __future__ import annotations

import hashlib
import logging
import math
import mmap
import os
import struct
import threading
import time
from pathlib import Path

logger = logging.getLogger(__name__)

_STAMP = struct.Struct("<d")


class SharedClock:
    """One float (a `time.monotonic()` reading) in a small file mapped into memory."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_size < _STAMP.size:
                os.ftruncate(fd, _STAMP.size)
            self._map = mmap.mmap(fd, _STAMP.size)
        finally:
            os.close(fd)
        self.path = path

    def write(self, value: float) -> None:
        _STAMP.pack_into(self._map, 0, value)

    def read(self) -> float:
        """The last value written; -inf for a board never written or not a time of this
        boot (a stale file from before a restart, a torn write)."""
        value: float = _STAMP.unpack_from(self._map, 0)[0]
        if not math.isfinite(value) or value <= 0 or value > time.monotonic() + 1.0:
            return float("-inf")
        return value


def board_path(data_dir: Path, database_url: str, schema: str | None = None) -> Path:
    """The board shared by the service and the workers of one database (and schema) on
    this host."""
    digest = hashlib.sha256(f"{database_url}\x00{schema or ''}".encode()).hexdigest()[:16]
    return Path(data_dir) / "run" / f"foreground-{digest}"


def open_board(path: Path) -> SharedClock | None:
    """The shared board, or None (with a warning) where it cannot be opened: each process
    then only yields to its own deliveries."""
    try:
        return SharedClock(path)
    except (OSError, ValueError) as exc:
        logger.warning("background work yields only to this process's deliveries: %s (%s)",
                       path, exc)
        return None


class ForegroundActivity:
    """When latency-critical requests last arrived; workers wait for a quiet moment."""

    def __init__(self, quiet_s: float = 0.1, max_wait_s: float = 2.0,
                 board: SharedClock | None = None) -> None:
        self.quiet_s, self.max_wait_s, self.board = quiet_s, max_wait_s, board
        self._last = float("-inf")

    def note(self) -> None:
        """A delivery arrived (called on the event loop: one float store, no lock)."""
        self._last = now = time.monotonic()
        if self.board is not None:
            self.board.write(now)

    def last(self) -> float:
        if self.board is None:
            return self._last
        return max(self._last, self.board.read())

    def busy(self) -> bool:
        return time.monotonic() - self.last() < self.quiet_s

    def wait_quiet(self, stop: threading.Event) -> float:
        """Block until the deliveries pause, `max_wait_s` passed or `stop` is set; the
        seconds waited."""
        start = now = time.monotonic()
        while not stop.is_set():
            since = now - self.last()
            left = self.max_wait_s - (now - start)
            if since >= self.quiet_s or left <= 0:
                break
            stop.wait(min(self.quiet_s - since, left))
            now = time.monotonic()
        return time.monotonic() - start
