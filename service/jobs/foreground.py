"""Background work yields to a burst of webhook deliveries.

A delivery must be answered within the helpdesk's timeout (Chatwoot gives up after 5 s and
never retries); classifying it can wait. On a small machine the job workers' model calls
take the same cores the accepting requests need, so while deliveries keep arriving a
worker finishes its current job and waits before claiming the next one: until no
delivery has arrived for `quiet_s`, or at most `max_wait_s` (so a flood that never
pauses still sees every worker claim a job that often).
"""

from __future__ import annotations

import threading
import time


class ForegroundActivity:
    """When latency-critical requests last arrived; workers wait for a quiet moment."""

    def __init__(self, quiet_s: float = 0.1, max_wait_s: float = 2.0) -> None:
        self.quiet_s, self.max_wait_s = quiet_s, max_wait_s
        self._last = float("-inf")

    def note(self) -> None:
        """A delivery arrived (called on the event loop: one float store, no lock)."""
        self._last = time.monotonic()

    def busy(self) -> bool:
        return time.monotonic() - self._last < self.quiet_s

    def wait_quiet(self, stop: threading.Event) -> float:
        """Block until the deliveries pause, `max_wait_s` passed or `stop` is set; the
        seconds waited."""
        start = now = time.monotonic()
        while not stop.is_set():
            since = now - self._last
            left = self.max_wait_s - (now - start)
            if since >= self.quiet_s or left <= 0:
                break
            stop.wait(min(self.quiet_s - since, left))
            now = time.monotonic()
        return time.monotonic() - start
