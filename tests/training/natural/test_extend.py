"""Growing data/natural with a written batch: test untouched, near-duplicates kept out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from training.natural.extend import main, repeated_ngrams
from training.natural.loader import load_natural

LICENCE = "MIT (written by the toneguard project)"


def stored(rid: str, text: str, **over: Any) -> dict[str, Any]:
    row = {"id": rid, "source": "written", "licence": LICENCE, "text": text, "labels": [],
           "lang": "en", "channel": "chat", "sent_at": "2025-03-04T11:00:00+00:00",
           "hard_negative": "civil_complaint", "domain": "shop", "subtle": False, "spans": []}
    return {**row, **over}


def writer_row(text: str, **over: Any) -> dict[str, Any]:
    row = {"text": text, "labels": ["threat"], "lang": "en", "channel": "chat",
           "sent_at": "2025-03-04T11:00:00+00:00", "hard_negative": None, "domain": "bank",
           "subtle": False, "spans": [{"label": "threat", "quote": text.split(".")[0]}]}
    return {**row, **over}


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_batch_grows_train_and_dev_only_and_skips_near_duplicates(tmp_path: Path) -> None:
    folder = tmp_path / "natural"
    folder.mkdir()
    write_jsonl(folder / "train.jsonl",
                [stored("nat-train-written-en-00007", "My parcel came late again today.")])
    write_jsonl(folder / "dev.jsonl", [])
    test_text = "Refund the order by Friday or I dispute the charge with my bank."
    write_jsonl(folder / "test.jsonl", [stored("nat-test-written-en-00000", test_text)])
    test_before = (folder / "test.jsonl").read_bytes()
    fresh = [writer_row("Pay back invoice 4411 this week or my lawyer calls you. The sofa "
                        "never reached Leeds."),
             writer_row("Pay back invoice 9120 by Monday, otherwise I go to the ombudsman. "
                        "Two refunds are still missing."),
             writer_row("Pay back invoice 7713 now or I stop every direct debit to you.")]
    batch = tmp_path / "w.jsonl"
    write_jsonl(batch, [*fresh,
                        writer_row(test_text),  # too close to a test row
                        writer_row("My parcel came late again today!")])  # an existing row

    app = typer.Typer()
    app.command()(main)
    result = CliRunner().invoke(app, ["--written", str(batch), "--out", str(folder),
                                       "--dev-share", "0.5"])

    assert result.exit_code == 0, result.output
    assert (folder / "test.jsonl").read_bytes() == test_before
    loaded = load_natural(folder)
    added = [r for s in ("train", "dev") for r in loaded[s].rows if r["labels"]]
    assert sorted(r["text"] for r in added) == sorted(r["text"] for r in fresh)
    ids = [r["id"] for s in ("train", "dev") for r in loaded[s].rows]
    assert len(set(ids)) == len(ids)
    assert "nat-train-written-en-00007" in ids and "nat-train-written-en-00000" not in ids
    for row in added:
        span = row["spans"][0]
        assert row["text"][span["start"]:span["end"]].startswith("Pay back invoice")


def test_repeated_ngrams_counts_messages_not_occurrences() -> None:
    texts = ["thank you so much for your help"] * 2 + ["thank you so much for nothing"]
    assert repeated_ngrams(texts, n=5, min_messages=3) == [("thank you so much for", 3)]
    assert repeated_ngrams(["a b c d e a b c d e"], n=5, min_messages=2) == []
