"""The floors issue 3 sets for the corpus, checked by the builder and by the tests."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from classifier.types import LABELS
from training.corpus.similarity import max_similarity, near_duplicate_pairs

MIN_TOTAL = 5000
MIN_LANG = {"ru": 2000, "en": 2000, "de": 120, "es": 120, "fr": 120, "uk": 120, "pl": 120}
MIN_LABEL = 900
MIN_UNLABELLED_SHARE = 0.35
MIN_HARD_NEGATIVES = 1200
CROSS_SPLIT_MAX = 0.7
WITHIN_SPLIT_THRESHOLD = 0.8
WITHIN_SPLIT_MAX_RATE = 0.03

Splits = Mapping[str, Sequence[Mapping[str, Any]]]


def near_duplicate_report(splits: Splits) -> dict[str, float]:
    """Exact rates: share of pairs > 0.8 inside each split, and test-vs-train/dev max Jaccard."""
    report: dict[str, float] = {}
    for name, records in splits.items():
        hits, total = near_duplicate_pairs([r["text"] for r in records], WITHIN_SPLIT_THRESHOLD)
        report[f"within_{name}"] = hits / total if total else 0.0
    test = [r["text"] for r in splits.get("test", [])]
    rest = [r["text"] for name, rs in splits.items() if name != "test" for r in rs]
    sims = max_similarity(test, rest)
    report["cross_max"] = float(sims.max()) if len(sims) else 0.0
    report["cross_over"] = float((sims > CROSS_SPLIT_MAX).sum())
    return report


def check_floors(splits: Splits, near_duplicates: bool = True) -> list[str]:
    """Human-readable list of every floor the corpus misses (empty when all hold)."""
    records = [r for rs in splits.values() for r in rs]
    problems: list[str] = []
    if len(records) < MIN_TOTAL:
        problems.append(f"{len(records)} messages < {MIN_TOTAL}")
    langs = Counter(r["lang"] for r in records)
    for lang, floor in MIN_LANG.items():
        if langs[lang] < floor:
            problems.append(f"{lang}: {langs[lang]} messages < {floor}")
    labels = Counter(lab for r in records for lab in r["labels"])
    for label in LABELS:
        if labels[label] < MIN_LABEL:
            problems.append(f"{label}: {labels[label]} positives < {MIN_LABEL}")
    unlabelled = sum(1 for r in records if not r["labels"])
    if records and unlabelled / len(records) < MIN_UNLABELLED_SHARE:
        problems.append(f"unlabelled share {unlabelled / len(records):.1%} < 35%")
    hard = sum(1 for r in records if r.get("hard_negative"))
    if hard < MIN_HARD_NEGATIVES:
        problems.append(f"{hard} hard negatives < {MIN_HARD_NEGATIVES}")
    texts = Counter(r["text"] for r in records)
    dupes = sum(c - 1 for c in texts.values() if c > 1)
    if dupes:
        problems.append(f"{dupes} exact duplicate texts")
    if near_duplicates:
        report = near_duplicate_report(splits)
        if report["cross_over"]:
            over = int(report["cross_over"])
            problems.append(f"{over} test items with Jaccard > 0.7 to train/dev")
        for name in splits:
            rate = report[f"within_{name}"]
            if rate >= WITHIN_SPLIT_MAX_RATE:
                problems.append(f"{name}: {rate:.2%} of pairs with Jaccard > 0.8")
    return problems
