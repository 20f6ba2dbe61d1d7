"""A folder of JSON pages saved from a helpdesk's API: the files, in a natural order."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_DIGITS = re.compile(r"(\d+)")


def _natural(path: Path) -> list[Any]:
    return [int(p) if p.isdigit() else p for p in _DIGITS.split(path.name)]


def page_files(folder: Path) -> list[Path]:
    """The folder's `*.json` files, page-2 before page-10."""
    return sorted((p for p in folder.iterdir() if p.suffix == ".json" and p.is_file()),
                  key=_natural)


def load_pages(folder: Path) -> Iterator[tuple[Path, Any | str]]:
    """(file, its decoded JSON or the reason it cannot be read) for each page."""
    for path in page_files(folder):
        try:
            yield path, json.loads(path.read_bytes())
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            yield path, f"not a JSON page ({exc})"
