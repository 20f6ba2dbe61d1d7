"""Apply an adjudicated re-annotation to real rows of `data/natural/` (a one-off, kept to show how).

The first annotation of the real tweets predates the sharpened rules in the guidelines (crude
words about a company are aggression; a polite "now" sent at night is off-hours pressure), so
every real tweet in dev and test was labelled again, independently, and each disagreement was
decided by a third reading. The record (`relabel-tweets.jsonl`) keeps, per changed row, the
labels before, the second annotation and the decision; this writes the decisions into the
split files and the agreement sample, and drops spans whose label went away.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import typer

from training.natural.assemble import _jsonl
from training.natural.loader import DEFAULT_NATURAL_DIR

logger = logging.getLogger(__name__)

RECORD = "relabel-tweets.jsonl"


def relabelled(row: dict[str, Any], labels: list[str]) -> dict[str, Any]:
    """The row with `labels`; spans of removed labels dropped, hard_negative cleared if flagged."""
    out = {**row, "labels": sorted(labels)}
    out["spans"] = [s for s in row.get("spans", []) if s["label"] in labels]
    if labels:
        out["hard_negative"] = None
    return out


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")


def apply(folder: Path, decisions: dict[str, list[str]]) -> int:
    """Rewrite dev, test and the agreement sample in place; returns how many rows changed."""
    changed = 0
    for split in ("dev", "test"):
        path = folder / f"{split}.jsonl"
        rows = _jsonl(path)
        for i, row in enumerate(rows):
            if row["id"] in decisions and sorted(row["labels"]) != sorted(decisions[row["id"]]):
                rows[i] = relabelled(row, decisions[row["id"]])
                changed += 1
        _write(path, rows)
    agreement = folder / "agreement.jsonl"
    pairs = _jsonl(agreement)
    for pair in pairs:
        if pair["id"] in decisions:
            pair["resolved"] = sorted(decisions[pair["id"]])
    _write(agreement, pairs)
    return changed


def main(folder: Path = typer.Option(DEFAULT_NATURAL_DIR)) -> None:
    """Write the decisions of `relabel-tweets.jsonl` into data/natural."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    decisions = {r["id"]: r["decided"] for r in _jsonl(folder / RECORD)}
    logger.info("%d rows relabelled", apply(folder, decisions))


if __name__ == "__main__":
    typer.run(main)
