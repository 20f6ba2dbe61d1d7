"""A text built from pieces of another text, remembering where every character came from.

Clean-up drops lines and rewrites HTML, yet spans must point into the message as
received; so each output character keeps the original range it stands for.
"""

from __future__ import annotations


class MappedText:
    """Accumulates output text with, per character, its ``[start, end)`` in the source."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def copy(self, source_start: int, piece: str) -> None:
        """Append ``piece``, which is ``source[source_start:source_start + len(piece)]``."""
        self._parts.append(piece)
        self.starts.extend(range(source_start, source_start + len(piece)))
        self.ends.extend(range(source_start + 1, source_start + len(piece) + 1))

    def synth(self, piece: str, source_start: int, source_end: int) -> None:
        """Append text that stands for ``source[source_start:source_end]`` as a whole."""
        self._parts.append(piece)
        self.starts.extend([source_start] * len(piece))
        self.ends.extend([source_end] * len(piece))

    def last_char(self) -> str:
        for part in reversed(self._parts):
            if part:
                return part[-1]
        return ""

    def pop_trailing_spaces(self) -> None:
        """Drop spaces at the very end (before a line break is added)."""
        text = self.text()
        self.truncate(len(text.rstrip(" \t")))

    def truncate(self, keep: int) -> None:
        """Keep only the first ``keep`` characters."""
        text = self.text()
        if keep < len(text):
            self._parts = [text[:keep]]
            del self.starts[keep:]
            del self.ends[keep:]

    def drop_leading(self, count: int) -> None:
        """Drop the first ``count`` characters."""
        text = self.text()
        self._parts = [text[count:]]
        del self.starts[:count]
        del self.ends[:count]

    def text(self) -> str:
        if len(self._parts) > 1:
            self._parts = ["".join(self._parts)]
        return self._parts[0] if self._parts else ""


def compose(
    outer_starts: list[int], outer_ends: list[int], inner: MappedText
) -> tuple[list[int], list[int]]:
    """Map ``inner`` (built over an intermediate text) through the intermediate's own map."""
    starts = [outer_starts[i] for i in inner.starts]
    ends = [outer_ends[j - 1] if j > 0 else outer_starts[0] for j in inner.ends]
    return starts, ends
