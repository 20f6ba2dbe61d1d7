"""Clean-up on realistic emails: each file in emails/ holds a message and the new text expected.

Files are ``<lang>_<nn>_<what>.txt`` (plain) or ``.html``; the input and the expected
sender's text are separated by a ``#### EXPECTED ####`` line.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from classifier.email_cleanup import clean_message

EMAILS = Path(__file__).parent / "emails"
SEPARATOR = "\n#### EXPECTED ####\n"
CASES = sorted(p for p in EMAILS.iterdir() if p.suffix in (".txt", ".html"))


def _load(path: Path) -> tuple[str, str]:
    raw = path.read_text(encoding="utf-8")
    body, expected = raw.split(SEPARATOR)
    return body, expected.strip("\n")


def test_corpus_is_big_and_multilingual() -> None:
    langs = {p.name.split("_")[0] for p in CASES}
    assert len(CASES) >= 40
    assert {"en", "ru", "de", "html"} <= langs


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_new_text_is_extracted(path: Path) -> None:
    body, expected = _load(path)
    cleaned = clean_message(body)
    if cleaned.is_identity:  # nothing dropped: the body comes back byte for byte
        assert cleaned.text == body
        assert body.strip() == expected
    else:
        assert cleaned.text == expected


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_word_maps_back_to_the_original(path: Path) -> None:
    body, _ = _load(path)
    cleaned = clean_message(body)
    for match in re.finditer(r"\w+", cleaned.text):
        start, end = cleaned.to_original(match.start(), match.end())
        assert body[start:end] == match.group(0)
    for match in re.finditer(r"\S.*\S", cleaned.text):
        start, end = cleaned.to_original(match.start(), match.end())
        assert start < end
        for a, b in cleaned.ignored_ranges:
            assert end <= a or start >= b, "kept text overlaps an ignored range"


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_ignored_ranges_cover_what_was_dropped(path: Path) -> None:
    body, expected = _load(path)
    cleaned = clean_message(body)
    ranges = cleaned.ignored_ranges
    assert ranges == sorted(ranges)
    assert all(0 <= a < b <= len(body) for a, b in ranges)
    if path.suffix == ".txt":
        dropped = "".join(body[a:b] for a, b in ranges)
        kept_words = re.findall(r"\w+", expected)
        assert len(re.findall(r"\w+", body)) == len(kept_words) + len(re.findall(r"\w+", dropped))


@pytest.mark.parametrize("path", [p for p in CASES if p.suffix == ".txt"], ids=lambda p: p.stem)
def test_windows_line_endings_give_the_same_text(path: Path) -> None:
    body, expected = _load(path)
    cleaned = clean_message(body.replace("\n", "\r\n"))
    assert cleaned.text.replace("\r\n", "\n").strip() == expected


def test_random_mixtures_keep_the_offset_invariants() -> None:
    """Shuffled lines from the whole corpus: never crashes, every kept word maps back."""
    rng = random.Random(20261125)
    lines = [line for p in CASES for line in _load(p)[0].splitlines()]
    for _ in range(300):
        original = "\n".join(rng.choice(lines) for _ in range(rng.randint(1, 25)))
        cleaned = clean_message(original)
        for match in re.finditer(r"\w+", cleaned.text):
            start, end = cleaned.to_original(match.start(), match.end())
            assert original[start:end] == match.group(0)
        for a, b in cleaned.ignored_ranges:
            assert 0 <= a < b <= len(original)
