"""An mbox of raw e-mails, read one message at a time and parsed like `POST /v1/messages`
with `Content-Type: message/rfc822` (service.integrations.rfc822), so a mail backfilled
from an archive gets the same id, client and clean-up as the same mail sent live.

A message starts at a `From ` line (at the top or after a blank line); `>From ` lines in
the body lose one `>` (mboxrd). The message's line is that of its `From ` line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from service.backfill.rows import Limits, bad, message
from service.integrations import PayloadError
from service.integrations.rfc822 import parse_rfc822

_QUOTED_FROM = re.compile(rb"^>(>*From )")


def _messages(path: Path) -> Iterator[tuple[int, list[bytes]]]:
    """(line of the `From ` separator, the message's lines) for each message."""
    start, blank_before = 0, True
    lines: list[bytes] = []
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            if line.startswith(b"From ") and blank_before:
                if start:
                    yield start, lines
                start, lines = number, []
            elif start:
                lines.append(_QUOTED_FROM.sub(rb"\1", line))
            blank_before = not line.strip()
    if start:
        yield start, lines


def read_mbox(path: Path, limits: Limits) -> Iterator[dict[str, Any]]:
    for number, lines in _messages(path):
        src = f"{path}:{number}"
        try:
            msg = parse_rfc822(b"".join(lines))
        except PayloadError as exc:
            yield bad(src, str(exc))
            continue
        yield message(src, msg, limits)


def count_mbox(path: Path) -> int:
    return sum(1 for _ in _messages(path))


def looks_like_mbox(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(5) == b"From "
