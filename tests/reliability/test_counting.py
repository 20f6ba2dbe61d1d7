"""Exact counting with several live worker processes on one database (bench.workers, smaller)."""

from __future__ import annotations

from pathlib import Path

from bench.workers import run


def test_parallel_ingests_from_two_workers_count_exactly(
    db_kind: str, tiny_classifier_dir: Path, tmp_path: Path
) -> None:
    summary = run(db_kind, workers=2, messages=100, senders=16, model_dir=tiny_classifier_dir,
                  work_dir=tmp_path)
    assert summary["problems"] == []
    assert summary["statuses"] == {200: 110}
    assert summary["tally"]["messages_seen"] == 100
