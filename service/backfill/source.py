"""The inputs as a Ray Data source: one read task per unit, each streaming small blocks.

Read tasks run on the driver's machine only (`supports_distributed_reads` is False), so
the input files need to exist only where the backfill is started, even on a cluster.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

import pyarrow as pa
from ray.data.block import BlockMetadata
from ray.data.datasource import Datasource, ReadTask

from service.backfill.readers import Unit, read_unit
from service.backfill.rows import READ_SCHEMA, Limits, table

BLOCK_ROWS = 512  # rows per block: small blocks keep memory flat whatever the input's size


def _blocks(unit: Unit, limits: Limits, block_rows: int) -> Iterator[pa.Table]:
    rows: list[dict[str, Any]] = []
    for row in read_unit(unit, limits):
        rows.append(row)
        if len(rows) >= block_rows:
            yield table(rows)
            rows = []
    if rows:
        yield table(rows)


class BackfillSource(Datasource):
    def __init__(self, units: list[Unit], limits: Limits, block_rows: int = BLOCK_ROWS) -> None:
        super().__init__()
        self.units = units
        self.limits = limits
        self.block_rows = block_rows

    def estimate_inmemory_data_size(self) -> int | None:
        return None

    @property
    def supports_distributed_reads(self) -> bool:
        return False

    def get_read_tasks(self, parallelism: int, per_task_row_limit: int | None = None,
                       data_context: Any = None) -> list[ReadTask]:
        return [
            ReadTask(partial(_blocks, unit, self.limits, self.block_rows),
                     BlockMetadata(num_rows=None, size_bytes=None, exec_stats=None,
                                   input_files=(str(unit.path),)),
                     schema=READ_SCHEMA, per_task_row_limit=per_task_row_limit)
            for unit in self.units
        ]

    def get_name(self) -> str:
        return "Backfill"
