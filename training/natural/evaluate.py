"""Scoring a model on natural rows, with the breakdowns the precision floors are stated in:
real vs written, real complaints vs comments, hard-negative kinds, and any `--by` field."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from training.metrics import evaluate_arrays
from training.natural.sources import REAL_SOURCES

if TYPE_CHECKING:
    from classifier.model import ToneClassifier

BY_CHOICES = ("source", "domain", "channel")
CHUNK = 256  # rows per model call when progress is reported


def row_kind(row: dict[str, Any]) -> str | None:
    """`written`, `real complaint` or `real comment` (None for rows without a source)."""
    src = REAL_SOURCES.get(row.get("source_file") or "")
    if src is None:
        return row.get("source")
    return "real complaint" if src.complaints else "real comment"


def breakdowns(rows: Sequence[dict[str, Any]], by: Sequence[str] = ()) -> dict[str, list[Any]]:
    """Groups for `evaluate_arrays`: origin and kind when rows carry a source, plus `by`."""
    groups: dict[str, list[Any]] = {}
    if any(r.get("source") for r in rows):
        groups["origin"] = [r.get("source") for r in rows]
        groups["kind"] = [row_kind(r) for r in rows]
    for name in by:
        if name == "source":
            groups["source"] = [(r.get("source_file") or "").removesuffix(".jsonl")
                                or r.get("source") or "unknown" for r in rows]
        else:
            groups[name] = [r.get(name) for r in rows]
    return groups


def evaluate_rows(clf: ToneClassifier, rows: Sequence[dict[str, Any]],
                  by: Sequence[str] = (),
                  progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Every figure for labelled rows (`text`, `labels`, optional `sent_at`, `lang`, ...).

    `progress(n)` hears of every `CHUNK` rows scored (a CLI progress bar)."""
    times = [datetime.fromisoformat(str(r["sent_at"])) if r.get("sent_at") else None
             for r in rows]
    texts = [r["text"] for r in rows]
    if progress is None:
        probs = clf.predict_proba(texts, sent_at=times)
    else:
        parts = []
        for i in range(0, len(texts), CHUNK):
            parts.append(clf.predict_proba(texts[i:i + CHUNK], sent_at=times[i:i + CHUNK]))
            progress(len(parts[-1]))
        probs = np.concatenate(parts) if parts else np.zeros((0, len(clf.labels)))
    y = np.array([[lab in r["labels"] for lab in clf.labels] for r in rows], dtype=int)
    return evaluate_arrays(y, probs, clf.thresholds, clf.labels, [r.get("lang") for r in rows],
                           [r.get("hard_negative") for r in rows], breakdowns(rows, by))


def evaluate_natural(clf: ToneClassifier, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    res = evaluate_rows(clf, rows, by=("source",))
    res["split"] = "natural test"
    return res
