"""`--parquet OUT`: every message of the input with its stored result, one row each.

Messages stored by an earlier run are written with what is stored, so after a resumed
run the file still covers the whole input. The file is written as `OUT.partial` and
renamed when the run completes: an interrupted run never leaves a file that looks whole.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from classifier.types import LABELS

SCHEMA = pa.schema([
    ("message_id", pa.string()),
    ("client_id", pa.string()),
    ("sent_at", pa.string()),  # ISO 8601 with the sender's offset, as read
    ("channel", pa.string()),
    ("status", pa.string()),  # "scored" now, or "present" (stored before)
    ("labels", pa.list_(pa.string())),
    *[(f"score_{label}", pa.float64()) for label in LABELS],
    ("spans", pa.string()),  # JSON list of {label, start, end, text, score}
    ("lang", pa.string()),
    ("outside_business_hours", pa.bool_()),
    ("model_name", pa.string()),
    ("model_version", pa.string()),
    ("src", pa.string()),
])


class ParquetSink:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = pq.ParquetWriter(self.partial, SCHEMA)
        self.rows = 0

    def add(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        out = []
        for row in rows:
            stored = row["stored"]
            scores = dict(stored.scores)
            out.append({
                "message_id": row["message_id"], "client_id": row["client_id"],
                "sent_at": row["sent_at"], "channel": row["channel"], "status": row["status"],
                "labels": list(stored.labels),
                **{f"score_{label}": scores.get(label) for label in LABELS},
                "spans": json.dumps(list(stored.spans), ensure_ascii=False),
                "lang": stored.lang, "outside_business_hours": stored.outside_business_hours,
                "model_name": stored.model_name, "model_version": stored.model_version,
                "src": row["src"],
            })
        self._writer.write_table(pa.Table.from_pylist(out, schema=SCHEMA))
        self.rows += len(out)

    def close(self) -> None:
        """Finish the file and put it in place."""
        self._writer.close()
        self.partial.replace(self.path)

    def abort(self) -> None:
        self._writer.close()
        self.partial.unlink(missing_ok=True)
