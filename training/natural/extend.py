"""Add a later batch of written messages to `data/natural/` without touching `test`.

The test split was fixed before any model saw natural data; a new batch may only grow `train`
and `dev`. A new row lands only when it is no near-duplicate of any row already there (token
Jaccard above `WITHIN_MAX`) nor close to a test row (above `CROSS_SPLIT_MAX`), and the 5-grams
shared by many new messages are reported, because a repeated phrase teaches the model the
writer's habit rather than the label.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from pathlib import Path
from typing import Any

import typer

from training.corpus.floors import CROSS_SPLIT_MAX
from training.corpus.similarity import max_similarity
from training.natural.assemble import WITHIN_MAX, _bucket, _jsonl, _text_key, dedupe, written_rows
from training.natural.loader import DEFAULT_NATURAL_DIR, load_natural

logger = logging.getLogger(__name__)

_ID = re.compile(r"^nat-(?P<split>\w+)-(?P<source>\w+)-(?P<lang>\w+)-(?P<n>\d+)$")


def repeated_ngrams(texts: list[str], n: int = 5, min_messages: int = 5) -> list[tuple[str, int]]:
    """Word n-grams that occur in at least `min_messages` different texts, most shared first."""
    counts: Counter[str] = Counter()
    for text in texts:
        words = re.findall(r"\w+", text.lower())
        counts.update({" ".join(words[i:i + n]) for i in range(len(words) - n + 1)})
    return [(g, c) for g, c in counts.most_common() if c >= min_messages]


def next_numbers(folder: Path) -> Counter[tuple[str, str, str]]:
    """The next free row number per (split, source, lang), so ids never collide."""
    nxt: Counter[tuple[str, str, str]] = Counter()
    for split in ("train", "dev"):
        for row in _jsonl(folder / f"{split}.jsonl"):
            m = _ID.match(row["id"])
            if m:
                key = (m["split"], m["source"], m["lang"])
                nxt[key] = max(nxt[key], int(m["n"]) + 1)
    return nxt


def select_new(new: list[dict[str, Any]], existing: list[str],
               test: list[str]) -> list[dict[str, Any]]:
    """New rows far enough from every existing row and from test."""
    rows = dedupe(new)
    texts = [r["text"] for r in rows]
    near_existing = max_similarity(texts, existing)  # zeros when there is nothing to compare
    near_test = max_similarity(texts, test)
    kept = [r for r, a, b in zip(rows, near_existing, near_test, strict=True)
            if a <= WITHIN_MAX and b <= CROSS_SPLIT_MAX]
    logger.info("%d new rows: %d near-duplicates within the batch, %d close to existing or "
                "test rows; %d kept", len(new), len(new) - len(rows), len(rows) - len(kept),
                len(kept))
    return kept


def main(
    written: list[Path] = typer.Option(..., help="Writers' JSONL files (quotes as spans)."),
    dev_share: float = typer.Option(0.15, help="Share of the batch placed in dev."),
    out: Path = typer.Option(DEFAULT_NATURAL_DIR),
) -> None:
    """Append a written batch to data/natural/{train,dev}.jsonl."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    loaded = load_natural(out)
    existing = [r["text"] for s in ("train", "dev") for r in loaded[s].rows]
    test = [r["text"] for r in loaded["test"].rows]
    have = {_text_key(t) for t in existing + test}
    new = [r for r in written_rows(written, {}) if r["_key"] not in have]
    kept = select_new(new, existing, test)
    for gram, count in repeated_ngrams([r["text"] for r in kept])[:20]:
        logger.info("5-gram in %d new messages: %r", count, gram)
    numbers = next_numbers(out)
    added: Counter[str] = Counter()
    for split in ("train", "dev"):
        part = [r for r in kept
                if (_bucket("extend:" + r["_key"]) < dev_share) == (split == "dev")]
        part.sort(key=lambda r: (r["lang"], r["_key"]))
        with (out / f"{split}.jsonl").open("a", encoding="utf-8") as fh:
            for row in part:
                key = (split, row["source"], row["lang"])
                rid = f"nat-{split}-{row['source']}-{row['lang']}-{numbers[key]:05d}"
                numbers[key] += 1
                clean = {k: v for k, v in row.items() if not k.startswith("_")}
                fh.write(json.dumps({"id": rid, **clean}, ensure_ascii=False) + "\n")
        added[split] = len(part)
    logger.info("appended %d rows to train and %d to dev", added["train"], added["dev"])


if __name__ == "__main__":
    typer.run(main)
