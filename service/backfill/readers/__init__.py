"""Which reader reads which input, and how many records each holds (for the progress bar).

An input is a file (JSONL, CSV, Parquet, mbox: told apart by extension, or `--format`) or
a folder: a Chatwoot or Zammad export (JSON pages, told apart by the first page), or, with
`--format jsonl|csv|parquet|mbox`, every such file in it. Each unit (a file, or a page
folder) becomes one read task of the pipeline.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.backfill.readers.chatwoot import is_chatwoot, read_chatwoot
from service.backfill.readers.mbox import count_mbox, looks_like_mbox, read_mbox
from service.backfill.readers.pages import page_files
from service.backfill.readers.tabular import (
    InputError,
    count_csv,
    count_jsonl,
    count_parquet,
    read_csv,
    read_jsonl,
    read_parquet,
)
from service.backfill.readers.zammad import is_zammad, read_zammad
from service.backfill.rows import Limits

FORMATS = ("auto", "jsonl", "csv", "parquet", "mbox", "chatwoot", "zammad")
EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "csv",
              ".parquet": "parquet", ".pq": "parquet", ".mbox": "mbox", ".mbx": "mbox"}
FOLDERS = ("chatwoot", "zammad")

Reader = Callable[[Path, Limits], Iterator[dict[str, Any]]]
READERS: dict[str, Reader] = {
    "jsonl": read_jsonl, "csv": read_csv, "parquet": read_parquet, "mbox": read_mbox,
    "chatwoot": read_chatwoot, "zammad": read_zammad,
}

__all__ = ["FORMATS", "InputError", "Unit", "count_unit", "plan", "read_unit"]


@dataclass(frozen=True)
class Unit:
    """One read task's input: a file, or a folder of helpdesk pages."""

    fmt: str
    path: Path


def _file_format(path: Path) -> str:
    fmt = EXTENSIONS.get(path.suffix.lower())
    if fmt:
        return fmt
    if looks_like_mbox(path):
        return "mbox"
    raise InputError(f"{path}: unknown format; name it .jsonl, .csv, .parquet or .mbox, or "
                     "pass --format")


def _folder_format(folder: Path) -> str:
    """Chatwoot or Zammad, from the first page that is recognisably one of them."""
    pages = page_files(folder)
    if not pages:
        raise InputError(f"{folder}: no .json pages (pass --format to read other files in it)")
    for page in pages:
        try:
            first = json.loads(page.read_bytes())
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue  # reported as a bad row when read
        if is_chatwoot(first):
            return "chatwoot"
        if is_zammad(first):
            return "zammad"
    raise InputError(f"{folder}: neither a Chatwoot nor a Zammad export; pass --format")


def plan(inputs: list[Path], fmt: str = "auto") -> list[Unit]:
    """The read units for the command line's inputs; InputError names what is wrong."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    units: list[Unit] = []
    for path in inputs:
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            kind = fmt if fmt != "auto" else _folder_format(path)
            if kind in FOLDERS:
                units.append(Unit(kind, path))
                continue
            files = sorted(p for p in path.iterdir() if p.is_file()
                           and EXTENSIONS.get(p.suffix.lower()) == kind)
            if not files:
                raise InputError(f"{path}: no {kind} files in it")
            units.extend(Unit(kind, p) for p in files)
        elif fmt in FOLDERS:
            raise InputError(f"{path}: a {fmt} export is a folder of JSON pages")
        else:
            units.append(Unit(fmt if fmt != "auto" else _file_format(path), path))
    return units


def read_unit(unit: Unit, limits: Limits) -> Iterator[dict[str, Any]]:
    return READERS[unit.fmt](unit.path, limits)


def count_unit(unit: Unit) -> int:
    """Records in a unit (good, bad and ignored alike); checks a table's columns first."""
    if unit.fmt == "jsonl":
        return count_jsonl(unit.path)
    if unit.fmt == "csv":
        return count_csv(unit.path)
    if unit.fmt == "parquet":
        return count_parquet(unit.path)
    if unit.fmt == "mbox":
        return count_mbox(unit.path)
    return sum(1 for _ in read_unit(unit, Limits()))
