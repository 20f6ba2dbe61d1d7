"""Adjudicated re-annotation: decisions land in dev, test and the agreement sample."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from training.natural.agreement import read
from training.natural.loader import DEFAULT_NATURAL_DIR
from training.natural.relabel import RECORD, apply


def real(rid: str, labels: list[str], **over: Any) -> dict[str, Any]:
    row = {"id": rid, "source": "real", "labels": labels, "hard_negative": None,
           "spans": [{"label": lab, "start": 0, "end": 4} for lab in labels]}
    return {**row, **over}


def write(path: Path, rows: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_decisions_rewrite_labels_and_spans(tmp_path: Path) -> None:
    write(tmp_path / "dev.jsonl", [real("d1", []), real("d2", ["threat"])])
    write(tmp_path / "test.jsonl", [real("t1", ["aggression", "off_hours_pressure"]),
                                    real("t2", [], hard_negative="civil_complaint")])
    write(tmp_path / "agreement.jsonl", [{"id": "t1", "first": ["aggression"],
                                          "second": ["aggression"], "resolved": ["aggression"]}])

    changed = apply(tmp_path, {"d1": ["aggression"], "d2": ["threat"], "t1": ["aggression"],
                               "t2": ["aggression"]})

    assert changed == 3  # d2 already had its decided labels
    dev, test = read(tmp_path / "dev.jsonl"), read(tmp_path / "test.jsonl")
    assert dev[0]["labels"] == ["aggression"] and dev[0]["spans"] == []
    assert test[0]["labels"] == ["aggression"]
    assert [s["label"] for s in test[0]["spans"]] == ["aggression"]
    assert test[1]["labels"] == ["aggression"] and test[1]["hard_negative"] is None
    assert read(tmp_path / "agreement.jsonl")[0]["resolved"] == ["aggression"]


def test_the_shipped_record_is_applied() -> None:
    stored = {r["id"]: r for s in ("dev", "test")
              for r in read(DEFAULT_NATURAL_DIR / f"{s}.jsonl")}
    record = read(DEFAULT_NATURAL_DIR / RECORD)
    assert len(record) >= 40
    for r in record:
        assert sorted(stored[r["id"]]["labels"]) == sorted(r["decided"])
        assert sorted(r["before"]) != sorted(r["second"])  # only disagreements are recorded
