"""HTML mail bodies to plain text, keeping a map from every character back into the HTML.

BeautifulSoup (whose default backend is this same stdlib parser) throws away source
positions of text nodes, and the UI must mark spans in the body as received; so the
walk is done on :class:`html.parser.HTMLParser` events directly, with entity
references reported separately so each one maps to its exact source range.
Block elements and ``<br>`` become line breaks, ``<script>``/``<style>``/comments are
dropped, entities are unescaped, runs of whitespace collapse to one space, and lines
inside ``<blockquote>`` get a ``"> "`` prefix so the reply clean-up treats them as quoted.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from classifier.email.offsets import MappedText

_BLOCK = frozenset(
    {
        *("address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt"),
        *("fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4"),
        *("h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section"),
        *("table", "tbody", "thead", "tfoot", "tr", "ul"),
    }
)
_PARAGRAPH = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre"}) | {
    "blockquote"
}
_SKIP = frozenset({"script", "style", "head", "title", "template", "noscript"})
_CELL = frozenset({"td", "th"})
_REF = re.compile(r"&(?:#[xX][0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);?")
_WS = re.compile(r"\s+|\S+")
_HTML_HINT = re.compile(
    r"<!doctype html|<html[\s>]|<body[\s>]|<(?:p|div|br|span|table|td|blockquote|a|b|i|font|ul|li)"
    r"(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)


def looks_like_html(text: str) -> bool:
    """True for an HTML document or fragment: a root tag, or at least two common tags."""
    if "<" not in text:
        return False
    for hits, match in enumerate(_HTML_HINT.finditer(text), start=1):
        if match.group(0)[:5].lower() in ("<!doc", "<html", "<body") or hits >= 2:
            return True
    return False


class _Walker(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.out = MappedText()
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self._skip_depth = 0
        self._quote_depth = 0
        self._pre_depth = 0

    # -- positions -------------------------------------------------------------
    def _here(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    # -- output helpers ----------------------------------------------------------
    def _at_line_start(self) -> bool:
        return self.out.last_char() in ("", "\n")

    def _break(self, at: int, blank: bool = False) -> None:
        """End the current line (and leave a blank line after it when ``blank``)."""
        if self.out.last_char() == "":
            return
        self.out.pop_trailing_spaces()
        text = self.out.text()
        want = "\n\n" if blank else "\n"
        have = len(text) - len(text.rstrip("\n"))
        if have < len(want):
            self.out.synth(want[have:], at, at)

    def _emit(self, piece: str, start: int, end: int, copy: bool) -> None:
        if self._quote_depth and self._at_line_start():
            self.out.synth("> " * self._quote_depth, start, start)
        if copy:
            self.out.copy(start, piece)
        else:
            self.out.synth(piece, start, end)

    # -- parser events -------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        at = self._here()
        if tag in _SKIP:
            self._skip_depth += 1
        elif tag == "br":
            self.out.pop_trailing_spaces()
            if self._quote_depth and self._at_line_start():
                self.out.synth("> " * self._quote_depth, at, at)
            self.out.synth("\n", at, at)
        elif tag in _BLOCK:
            self._break(at, blank=tag in _PARAGRAPH)
            if tag == "blockquote":
                self._quote_depth += 1
            elif tag == "pre":
                self._pre_depth += 1
        elif tag in _CELL and not self._at_line_start():
            self.out.synth("\t", at, at)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        at = self._here()
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK:
            if tag == "blockquote":
                self._quote_depth = max(0, self._quote_depth - 1)
            elif tag == "pre":
                self._pre_depth = max(0, self._pre_depth - 1)
            self._break(at, blank=tag in _PARAGRAPH)

    def handle_data(self, data: str) -> None:
        if self._skip_depth or not data:
            return
        base = self._here()
        if self._pre_depth:
            self._emit(data, base, base + len(data), copy=True)
            return
        for match in _WS.finditer(data):
            start, end = base + match.start(), base + match.end()
            if match.group(0)[0].isspace():
                if not self._at_line_start() and self.out.last_char() != " ":
                    self.out.synth(" ", start, end)
            else:
                self._emit(match.group(0), start, end, copy=True)

    def _handle_ref(self) -> None:
        if self._skip_depth:
            return
        at = self._here()
        match = _REF.match(self.source, at)
        end = match.end() if match else at + 1
        raw = self.source[at:end]
        char = html.unescape(raw).replace("\xa0", " ")
        if char.isspace():
            if not self._at_line_start() and self.out.last_char() != " ":
                self.out.synth(" ", at, end)
            return
        self._emit(char, at, end, copy=char == raw)

    def handle_entityref(self, name: str) -> None:
        self._handle_ref()

    def handle_charref(self, name: str) -> None:
        self._handle_ref()


def html_to_mapped(source: str) -> MappedText:
    """Convert HTML to text; the result maps each character back into ``source``."""
    walker = _Walker(source)
    walker.feed(source)
    walker.close()
    out = walker.out
    out.pop_trailing_spaces()
    text = out.text()
    out.truncate(len(text.rstrip()))
    return out


def html_to_text(source: str) -> str:
    """Plain text of an HTML body: line breaks for blocks and ``<br>``, no script/style."""
    return html_to_mapped(source).text()

