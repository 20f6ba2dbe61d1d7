"""The text-size limit, shared by every route that takes message text.

Over-long text is a size problem (413, see service.api.errors), not a malformed request,
and it is refused before any model work starts.
"""

from __future__ import annotations

from collections.abc import Sequence

from service.ingest import TextTooLong


def check_text_size(texts: Sequence[str], limit: int) -> None:
    """Raise TextTooLong naming the first text over `limit` characters (its index)."""
    for i, t in enumerate(texts):
        if len(t) > limit:
            raise TextTooLong(f"message {i}: text has {len(t)} characters; the limit is {limit}")
