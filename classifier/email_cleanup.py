"""Keep only what the sender wrote now: strip quoted replies, forwards, signatures, disclaimers.

Why not a library: ``email-reply-parser`` 0.5.12 knows English markers only, and
``mail-parser-reply`` 1.36 covers en/de/es/fr/pl and others but no Russian or Ukrainian
reply headers or Outlook blocks ("От:/Отправлено:/Кому:/Тема:"), and both rewrite the
text before splitting it, so neither can say where the kept text sits in the message as
received. Spans shown in the UI must point into that message, so this module works on
line offsets of the original and remembers, for every kept character, where it came from.

Plain chat text (one line, or nothing removed) comes back unchanged with an identity map.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from classifier.email import patterns as pat
from classifier.email.html import html_to_mapped, html_to_text, looks_like_html
from classifier.email.offsets import MappedText, compose

__all__ = ["CleanedMessage", "clean_message", "html_to_text", "looks_like_html"]


@dataclass
class CleanedMessage:
    """The sender's new text, plus a way back to offsets in the text as received."""

    text: str
    original: str
    # (start, end) ranges of the original that were dropped: quotes, signatures, disclaimers.
    ignored_ranges: list[tuple[int, int]] = field(default_factory=list)
    _starts: list[int] | None = field(default=None, repr=False)
    _ends: list[int] | None = field(default=None, repr=False)

    @property
    def is_identity(self) -> bool:
        return self._starts is None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map ``[start, end)`` in :attr:`text` to ``[start, end)`` in :attr:`original`."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"range ({start}, {end}) outside cleaned text of {len(self.text)}")
        if self._starts is None or self._ends is None:
            return start, end
        if start == end:
            if start < len(self.text):
                pos = self._starts[start]
            else:
                pos = self._ends[-1] if self.text else 0
            return pos, pos
        return self._starts[start], self._ends[end - 1]


@dataclass
class _Line:
    start: int
    end: int  # without the line break
    stop: int  # after the line break
    text: str  # stripped
    raw: str  # as written, without the line break


def _split_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        lines.append(_Line(pos, pos + len(body), pos + len(raw), body.strip(), body))
        pos += len(raw)
    return lines


def _reply_header_len(lines: list[_Line], i: int) -> int:
    """Lines (1-3) taken by a reply header starting at line ``i``, or 0."""
    joined = ""
    for k in range(3):
        if i + k >= len(lines) or not lines[i + k].text:
            return 0
        joined = f"{joined} {lines[i + k].text}".strip()
        if len(joined) > 320:
            return 0
        if pat.REPLY_HEADER.match(joined) and pat.HEADER_EVIDENCE.search(joined):
            return k + 1
    return 0


def _is_header_block(lines: list[_Line], i: int) -> bool:
    """An Outlook-style "From:" line followed within four lines by another header field."""
    if pat.UNDERSCORES.match(lines[i].text):
        nxt = next((j for j in range(i + 1, min(i + 3, len(lines))) if lines[j].text), None)
        return nxt is not None and _is_header_block(lines, nxt)
    if not pat.HEADER_FROM.match(lines[i].text):
        return False
    return any(pat.HEADER_OTHER.match(lines[j].text) for j in range(i + 1, min(i + 5, len(lines))))


def _next_text_line(lines: list[_Line], j: int) -> int | None:
    while j < len(lines) and not lines[j].text:
        j += 1
    return j if j < len(lines) else None


def _find_chain(lines: list[_Line], removed: list[bool]) -> int:
    """Index of the first line of the trailing quoted/forwarded chain; marks `>` lines removed."""
    for i, line in enumerate(lines):
        text = line.text
        if not text:
            continue
        if pat.QUOTED.match(text):
            removed[i] = True
            continue
        if pat.SEPARATOR.match(text) or pat.FORWARD_LINE.match(text) or _is_header_block(lines, i):
            return i
        size = _reply_header_len(lines, i)
        if size:
            after = _next_text_line(lines, i + size)
            if after is not None and pat.QUOTED.match(lines[after].text):
                # Interleaved or bottom quoting: drop the header, keep answers between quotes.
                for k in range(i, i + size):
                    removed[k] = True
                continue
            return i
    return len(lines)


def _kept_indices(lines: list[_Line], removed: list[bool], end: int) -> list[int]:
    return [i for i in range(end) if not removed[i] and lines[i].text]


def _short_block(lines: list[_Line], indices: list[int]) -> bool:
    """Few short lines: what a name/contact block after a sign-off looks like."""
    return len(indices) <= pat.MAX_SIGNATURE_LINES and all(
        len(lines[j].text) <= pat.MAX_SIGNATURE_LINE for j in indices
    )


def _find_signature(lines: list[_Line], removed: list[bool], end: int) -> int:
    """First line of the signature/disclaimer tail before ``end`` (``end`` when none)."""
    kept = _kept_indices(lines, removed, end)
    if not kept:
        return end
    first = kept[0]
    # Disclaimers: a paragraph with a typical legal phrase, not the first thing written.
    for i in kept:
        if i != first and pat.DISCLAIMER.search(lines[i].text):
            para = i
            while para > first and lines[para - 1].text and not removed[para - 1]:
                para -= 1
            if para != first:
                end = para
                break
    kept = _kept_indices(lines, removed, end)
    for pos, i in enumerate(kept):
        if pat.MOBILE_SIG.match(lines[i].text):
            end = i
            break
        # "-- " is the standard delimiter; a bare "--" may be a chat separator, so it
        # only counts when a short block follows it.
        if (
            i != first
            and pat.SIG_DASHES.match(lines[i].text)
            and (lines[i].raw.lstrip().startswith("-- ") or _short_block(lines, kept[pos + 1 :]))
        ):
            end = i
            break
    # Sign-off: "Best regards," with at most a short name/contact block after it.
    kept = _kept_indices(lines, removed, end)
    for pos, i in enumerate(kept):
        if i == first or not pat.SIGN_OFF.match(lines[i].text):
            continue
        tail = kept[pos + 1 :]
        if not _short_block(lines, tail):
            continue
        if not tail and pat.SIGN_OFF_NEEDS_NAME.match(lines[i].text):
            continue
        return i
    return end


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _clean_plain(text: str) -> tuple[MappedText | None, list[tuple[int, int]]]:
    """Clean plain text: the kept text (None when nothing is dropped) and dropped ranges."""
    lines = _split_lines(text)
    removed = [False] * len(lines)
    chain = _find_chain(lines, removed)
    end = _find_signature(lines, removed, chain)
    for i in range(end, len(lines)):
        removed[i] = True
    if not any(removed[i] and lines[i].text for i in range(len(lines))):
        return None, []
    out = MappedText()
    ignored: list[tuple[int, int]] = []
    blanks = 0  # blank lines just kept; the ones left between dropped quotes collapse to one
    for i, line in enumerate(lines):
        if removed[i]:
            if line.text:
                span = _trimmed(text, line.start, line.end)
                if ignored and not text[ignored[-1][1] : span[0]].strip():
                    ignored[-1] = (ignored[-1][0], span[1])
                else:
                    ignored.append(span)
        elif line.text or blanks < 1 or not any(removed[max(0, i - 2) : i]):
            blanks = 0 if line.text else blanks + 1
            out.copy(line.start, text[line.start : line.stop])
    body = out.text()
    lead = len(body) - len(body.lstrip())
    out.truncate(len(body.rstrip()))
    out.drop_leading(lead)
    return out, ignored


def clean_message(text: str) -> CleanedMessage:
    """Return the sender's new text with a map back to ``text`` (HTML bodies are detected)."""
    if looks_like_html(text):
        html_map = html_to_mapped(text)
        plain = html_map.text()
        kept, ignored_plain = _clean_plain(plain)
        if kept is None:
            kept = MappedText()
            kept.copy(0, plain)
        starts, ends = compose(html_map.starts, html_map.ends, kept)
        ignored = [
            (html_map.starts[a], html_map.ends[b - 1]) for a, b in ignored_plain if b > a
        ]
        return CleanedMessage(kept.text(), text, ignored, starts, ends)
    if "\n" not in text.strip():
        return CleanedMessage(text, text)
    kept, ignored = _clean_plain(text)
    if kept is None:
        return CleanedMessage(text, text)
    return CleanedMessage(kept.text(), text, ignored, kept.starts, kept.ends)
