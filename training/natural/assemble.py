"""Assemble `data/natural/` from the annotators' and writers' files (a one-off, kept to show how).

Inputs: writers' JSONL (whole messages with span quotes), annotators' label files for real rows
(by reference) with the packets they labelled (which carry the sent_at used), and the second,
independent annotation with its adjudication. Output: train/dev/test JSONL in the natural
schema (data/natural/README.md), span quotes turned into offsets, near-duplicates removed,
the agreement sample and a fixed share of each source placed in test before any training.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import typer

from training.corpus.floors import CROSS_SPLIT_MAX
from training.corpus.similarity import max_similarity, near_duplicate_pairs, tokens
from training.natural.loader import DEFAULT_NATURAL_DIR, RealTexts
from training.natural.sources import REAL_SOURCES, WRITTEN_LICENCE

logger = logging.getLogger(__name__)

WITHIN_MAX = 0.8
# (train, dev) shares; the rest is test. Evaluation-only sources never reach train.
SHARES = {"written": (0.64, 0.12), "real_trainable": (0.5, 0.2), "real_eval_only": (0.0, 0.45)}
CHANNEL = {"en_cfpb_complaints": "email"}
DOMAIN = {"en_cfpb_complaints": "bank", "en_airline_complaint_tweets": "airline",
          "de_germeval2017_deutsche_bahn_feedback": "rail", "de_germeval2018_offensive_tweets":
          "social", "de_germeval2021_toxic_facebook": "social", "pt_toldbr_toxic_tweets": "social",
          "tr_offenseval2020_offensive_tweets": "social"}
TWCS_DOMAIN = {"AmazonHelp": "shop", "AppleSupport": "electronics", "SpotifyCares": "streaming"}


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _bucket(key: str) -> float:
    """A stable number in [0, 1) per row: splits do not move when other rows are added."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:12], 16) / 16**12


def _split(key: str, family: str) -> str:
    train, dev = SHARES[family]
    b = _bucket(key)
    return "train" if b < train else "dev" if b < train + dev else "test"


def _spans(text: str, quotes: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for q in quotes:
        start = text.find(q["quote"])
        if start >= 0:
            out.append({"label": q["label"], "start": start, "end": start + len(q["quote"])})
    return sorted(out, key=lambda s: (s["start"], s["label"]))


def _pair(resolved: dict[str, Any] | None) -> dict[str, Any] | None:
    """The two independent annotations of a row in the agreement sample."""
    if resolved is None:
        return None
    return {"first": resolved["first"], "second": resolved["second"],
            "agreed": resolved["agreed"]}


def _text_key(text: str) -> str:
    return " ".join(text.lower().split())


def written_rows(paths: list[Path], agreed: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for path in paths:
        for r in _jsonl(path):
            key = _text_key(r["text"])
            if key in seen:
                continue
            seen.add(key)
            final = agreed.get(key, r)
            rows.append({
                "source": "written", "licence": WRITTEN_LICENCE, "text": r["text"],
                "labels": final["labels"], "lang": r["lang"], "channel": r["channel"],
                "sent_at": r["sent_at"], "hard_negative": final["hard_negative"],
                "domain": r.get("domain"), "subtle": bool(final.get("subtle")),
                "spans": _spans(r["text"], final.get("spans", [])),
                "_key": key, "_test": key in agreed, "_pair": _pair(agreed.get(key)),
            })
    return rows


def real_rows(label_files: list[Path], packets: list[Path],
              agreed: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    packet = {p["ref"]: p for path in packets for p in _jsonl(path)}
    real = RealTexts()
    rows = []
    for path in label_files:
        for lab in _jsonl(path):
            p = packet[lab["ref"]]
            file, source_id = lab["ref"].split(":", 1)
            src = REAL_SOURCES[file]
            final = agreed.get(lab["ref"], lab)
            company = (real.record(file, source_id) or {}).get("orig", {}).get("company", "")
            domain = (TWCS_DOMAIN.get(company, "support") if file.startswith("en_twcs")
                      else DOMAIN.get(src.short))
            if src.short.startswith("ru_sentirueval"):
                domain = "bank" if "-banks-" in source_id else "telecom"
            rows.append({
                "source": "real", "licence": src.licence, "source_file": file,
                "source_id": source_id, "eval_only": src.eval_only,
                "labels": final["labels"], "lang": p["lang"],
                "channel": CHANNEL.get(src.short, "chat"), "sent_at": p["sent_at"],
                "sent_at_assigned": src.short not in (
                    "en_airline_complaint_tweets", "en_twcs_inbound_tweets",
                    "ru_sentirueval2016_bank_telecom_tweets"),
                "hard_negative": final["hard_negative"], "domain": domain,
                "subtle": bool(final.get("subtle")),
                "spans": _spans(p["text"], final.get("spans", [])),
                "_text": p["text"], "_key": lab["ref"], "_test": lab["ref"] in agreed,
                "_pair": _pair(agreed.get(lab["ref"])),
            })
    return rows


def _family(row: dict[str, Any]) -> str:
    if row["source"] == "written":
        return "written"
    return "real_eval_only" if row["eval_only"] else "real_trainable"


def _text(row: dict[str, Any]) -> str:
    return str(row.get("text") or row["_text"])


def dedupe(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop a row whose token Jaccard to an earlier row is above WITHIN_MAX."""
    kept: list[dict[str, Any]] = []
    kept_tokens: list[frozenset[str]] = []
    for row in rows:
        t = tokens(_text(row))
        if any(len(t & k) / max(1, len(t | k)) > WITHIN_MAX for k in kept_tokens
               if abs(len(k) - len(t)) <= len(t)):
            continue
        kept.append(row)
        kept_tokens.append(t)
    return kept


def assign(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    splits: dict[str, list[dict[str, Any]]] = {"train": [], "dev": [], "test": []}
    for row in rows:
        split = "test" if row["_test"] else _split(row["_key"], _family(row))
        splits[split].append(row)
    test_texts = [_text(r) for r in splits["test"]]
    for name in ("train", "dev"):
        sims = max_similarity([_text(r) for r in splits[name]], test_texts)
        before = len(splits[name])
        splits[name] = [r for r, s in zip(splits[name], sims, strict=True)
                        if s <= CROSS_SPLIT_MAX]
        logger.info("%s: dropped %d rows too close to test", name, before - len(splits[name]))
    return splits


def write(splits: dict[str, list[dict[str, Any]]], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    pairs = []
    for name, rows in splits.items():
        rows.sort(key=lambda r: (r["source"], r["lang"], r["_key"]))
        with (out / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            for i, row in enumerate(rows):
                clean = {k: v for k, v in row.items() if not k.startswith("_")}
                rid = f"nat-{name}-{row['source']}-{row['lang']}-{i:05d}"
                fh.write(json.dumps({"id": rid, **clean}, ensure_ascii=False) + "\n")
                if row.get("_pair"):
                    pairs.append({"id": rid, "source": row["source"], "lang": row["lang"],
                                  **row["_pair"], "resolved": row["labels"]})
    with (out / "agreement.jsonl").open("w", encoding="utf-8") as fh:
        for pair in pairs:
            fh.write(json.dumps(pair, ensure_ascii=False) + "\n")


def main(
    written: list[Path] = typer.Option(..., help="Writers' JSONL files."),
    real_labels: list[Path] = typer.Option(..., help="Annotators' label files (by reference)."),
    packets: list[Path] = typer.Option(..., help="The packets those labels refer to."),
    agreed: Path | None = typer.Option(None, help="Adjudicated agreement rows (JSONL): they "
                                       "go to test with their resolved labels."),
    out: Path = typer.Option(DEFAULT_NATURAL_DIR),
) -> None:
    """Write data/natural/{train,dev,test}.jsonl."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    resolved = {r["ref"]: r for r in _jsonl(agreed)} if agreed else {}
    by_text = {_text_key(r["text"]): r for r in resolved.values() if r.get("text")}
    rows = dedupe(written_rows(written, by_text)) + dedupe(real_rows(real_labels, packets,
                                                                     resolved))
    splits = assign(rows)
    for name, part in splits.items():
        pairs, total = near_duplicate_pairs([_text(r) for r in part], WITHIN_MAX)
        logger.info("%s: %d rows, %d near-duplicate pairs of %d", name, len(part), pairs, total)
    write(splits, out)


if __name__ == "__main__":
    typer.run(main)
