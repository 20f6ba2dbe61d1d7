"""Exponential backoff with jitter, so a helpdesk that is down is not hammered in step."""

from __future__ import annotations

import random
from collections.abc import Callable


def backoff_delay(attempt: int, base: float, cap: float,
                  rand: Callable[[], float] = random.random) -> float:
    """Seconds before attempt `attempt + 1`: base * 2^(attempt-1), capped, then +-25%."""
    exponent = min(max(attempt, 1) - 1, 60)
    delay = min(cap, base * (2.0 ** exponent))
    return delay * (0.75 + 0.5 * rand())
