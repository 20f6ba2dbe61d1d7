"""Message tables: JSONL (one object a line), CSV (a header row) and Parquet.

Each is read as a stream (a line, a CSV record or a Parquet batch at a time), so a file
of any size takes little memory. A record that cannot be read is a bad row at its line
(CSV: the line its record starts on; Parquet: its row number).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from service.backfill.readers.fields import CLIENT_KEYS, ID_KEYS, from_fields
from service.backfill.rows import Limits, bad

PARQUET_BATCH = 1024
REQUIRED = (ID_KEYS, CLIENT_KEYS, ("text",), ("sent_at",))


class InputError(ValueError):
    """An input that cannot be read at all (a missing column, an unknown format)."""


def read_jsonl(path: Path, limits: Limits) -> Iterator[dict[str, Any]]:
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            src = f"{path}:{number}"
            try:
                fields = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                yield bad(src, "the line is not valid UTF-8")
                continue
            except json.JSONDecodeError as exc:
                yield bad(src, f"not valid JSON ({exc.msg} at column {exc.colno})")
                continue
            if not isinstance(fields, dict):
                yield bad(src, "the line is not a JSON object")
                continue
            yield from_fields(src, fields, limits)


def count_jsonl(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for raw in fh if raw.strip())


def _csv_reader(fh: Any) -> Any:
    sample = fh.read(65536)
    fh.seek(0)
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return csv.reader(fh, dialect)


def _open_csv(path: Path) -> Any:
    # surrogateescape: a bad byte reaches the row, which is then refused with its line.
    return path.open(newline="", encoding="utf-8-sig", errors="surrogateescape")


def _check_columns(path: Path, names: list[str]) -> None:
    missing = [keys[0] for keys in REQUIRED if not any(k in names for k in keys)]
    if missing:
        raise InputError(f"{path}: no column {', '.join(missing)} (the columns are id, "
                         "client, text, sent_at, and optionally channel and subject)")


def _csv_records(path: Path) -> Iterator[tuple[str, list[str], list[str] | str]]:
    """(src, header, record or the reason it cannot be read) for each non-blank record."""
    with _open_csv(path) as fh:
        reader = _csv_reader(fh)
        header = [h.strip() for h in next(reader, [])]
        _check_columns(path, header)
        start = reader.line_num + 1
        while True:
            try:
                record: list[str] | str = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                record = f"not a CSV record ({exc})"
            src, start = f"{path}:{start}", reader.line_num + 1
            if isinstance(record, str) or any(cell.strip() for cell in record):
                yield src, header, record


def read_csv(path: Path, limits: Limits) -> Iterator[dict[str, Any]]:
    for src, header, record in _csv_records(path):
        if isinstance(record, str):
            yield bad(src, record)
        elif len(record) != len(header):
            yield bad(src, f"{len(record)} cells where the header has {len(header)}")
        else:
            yield from_fields(src, dict(zip(header, record, strict=True)), limits)


def count_csv(path: Path) -> int:
    return sum(1 for _ in _csv_records(path))


def read_parquet(path: Path, limits: Limits) -> Iterator[dict[str, Any]]:
    import pyarrow.parquet as pq

    number = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=PARQUET_BATCH):
        for fields in batch.to_pylist():
            number += 1
            yield from_fields(f"{path}:row {number}", fields, limits)


def count_parquet(path: Path) -> int:
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path)
    _check_columns(path, list(meta.schema_arrow.names))
    return int(meta.metadata.num_rows)
