"""Evidence is what the client wrote: spans are cut to the text outside the ignored ranges.

The classifier reads the cleaned text (no quoted earlier messages, signatures or
disclaimers) and maps its spans back onto the message as received. A span that crosses
a removed quote maps onto a range that covers the quote, so a flagged reply could show
someone else's words as the client's. Each span is therefore cut into the pieces that
lie in the client's own text, and pieces that are only whitespace are dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


def _merged(ranges: Iterable[Sequence[int]], n: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted((max(0, int(r[0])), min(n, int(r[1]))) for r in ranges):
        if a >= b:
            continue
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def own_pieces(start: int, end: int, ignored: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """[start, end) minus the (merged, sorted) ignored ranges."""
    pieces: list[tuple[int, int]] = []
    pos = start
    for a, b in ignored:
        if b <= pos:
            continue
        if a >= end:
            break
        if a > pos:
            pieces.append((pos, a))
        pos = max(pos, b)
    if pos < end:
        pieces.append((pos, end))
    return pieces


def own_spans(
    text: str, spans: Iterable[dict[str, Any]], ignored_ranges: Iterable[Sequence[int]]
) -> list[dict[str, Any]]:
    """The spans cut to the client's own text, with `text` and offsets of each piece."""
    ignored = _merged(ignored_ranges, len(text))
    out: list[dict[str, Any]] = []
    for span in spans:
        start, end = int(span["start"]), int(span["end"])
        for a, b in own_pieces(max(0, start), min(len(text), end), ignored):
            piece = text[a:b]
            if not piece.strip():
                continue
            # Trim whitespace left at the cut so the highlight sits on the words.
            a += len(piece) - len(piece.lstrip())
            b -= len(piece) - len(piece.rstrip())
            out.append({**span, "start": a, "end": b, "text": text[a:b]})
    return out
