"""The natural data loader: real rows joined by reference, missing ones counted, licences kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from training.data import DataError, read_file
from training.natural.loader import (
    NaturalDataError,
    RealTexts,
    is_by_reference,
    load_natural,
    read_rows,
)

TRAINABLE = "en_cfpb_complaints.jsonl"
EVAL_ONLY = "en_twcs_inbound_tweets__eval_or_research_only.jsonl"


def real_row(file: str, source_id: str, **over: Any) -> dict[str, Any]:
    eval_only = file.removesuffix(".jsonl").endswith("__eval_or_research_only")
    row = {"id": f"r-{source_id}", "source": "real", "source_file": file,
           "source_id": source_id, "eval_only": eval_only,
           "licence": "CC BY-NC-SA 4.0" if eval_only else "public domain (US government work)",
           "labels": ["threat"], "lang": "en", "channel": "chat",
           "sent_at": "2025-03-04T11:00:00+00:00", "sent_at_assigned": True,
           "hard_negative": None, "subtle": False,
           "spans": [{"label": "threat", "start": 0, "end": 9}]}
    return {**row, **over}


def written_row(text: str = "Thanks, all sorted now.", **over: Any) -> dict[str, Any]:
    row = {"id": "w-1", "source": "written", "licence": "MIT (written by the toneguard project)",
           "text": text, "labels": [], "lang": "en", "channel": "chat",
           "sent_at": "2025-03-08T23:10:00+01:00", "hard_negative": "calm_night",
           "subtle": False, "spans": []}
    return {**row, **over}


def write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return path


@pytest.fixture
def real_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "real"
    write(folder / TRAINABLE, [{"id": "c1", "text": "I'll sue you unless this is fixed."},
                               {"id": "c2", "text": "Calm narrative."}])
    write(folder / EVAL_ONLY, [{"id": "t1", "text": "Lawsuit incoming, fix my router."}])
    return folder


def test_real_rows_are_joined_by_reference_with_their_spans(real_dir: Path,
                                                            tmp_path: Path) -> None:
    path = write(tmp_path / "nat" / "test.jsonl",
                 [real_row(TRAINABLE, "c1"), real_row(EVAL_ONLY, "t1"), written_row()])
    loaded = read_rows(path, RealTexts(real_dir))
    assert loaded.missing == 0 and len(loaded.rows) == 3
    first = loaded.rows[0]
    assert first["text"] == "I'll sue you unless this is fixed."
    assert first["text"][first["spans"][0]["start"]:first["spans"][0]["end"]] == "I'll sue "


def test_missing_shared_folder_counts_rows_instead_of_failing(tmp_path: Path,
                                                              caplog: Any) -> None:
    path = write(tmp_path / "nat" / "dev.jsonl",
                 [real_row(TRAINABLE, "c1"), real_row(EVAL_ONLY, "t1"), written_row()])
    loaded = read_rows(path, RealTexts(tmp_path / "absent"))
    assert loaded.missing == 2 and [r["source"] for r in loaded.rows] == ["written"]
    assert loaded.missing_reasons == {"folder missing": 2}
    assert "2 real row(s) not loaded" in caplog.text


def test_a_row_missing_from_its_source_is_counted(real_dir: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "dev.jsonl", [real_row(TRAINABLE, "gone")])
    loaded = read_rows(path, RealTexts(real_dir))
    assert loaded.missing == 1 and loaded.rows == []


@pytest.mark.parametrize("row, message", [
    (real_row(TRAINABLE, "c1", text="copied"), "never the text"),
    (real_row("unknown.jsonl", "c1"), "known source_file"),
    (real_row(EVAL_ONLY, "t1", eval_only=False), "disagree"),
    (real_row(TRAINABLE, "c1", labels=["rude"]), "labels"),
    (real_row(TRAINABLE, "c1", sent_at="2025-03-04T11:00:00"), "UTC offset"),
    (written_row(hard_negative="sarcasm"), "hard_negative"),
    (written_row(labels=["threat"]), "hard_negative"),
    (written_row(text=" "), "needs its text"),
    (written_row(labels=["threat"], hard_negative=None,
                 spans=[{"label": "aggression", "start": 0, "end": 3}]), "bad span"),
])
def test_schema_breaks_are_named(row: dict[str, Any], message: str, real_dir: Path,
                                 tmp_path: Path) -> None:
    path = write(tmp_path / "x.jsonl", [row])
    with pytest.raises(NaturalDataError, match=message):
        read_rows(path, RealTexts(real_dir))


def test_evaluation_only_rows_never_reach_the_training_split(real_dir: Path,
                                                            tmp_path: Path) -> None:
    folder = tmp_path / "nat"
    write(folder / "train.jsonl", [written_row(), real_row(EVAL_ONLY, "t1")])
    write(folder / "dev.jsonl", [real_row(EVAL_ONLY, "t1")])
    write(folder / "test.jsonl", [written_row()])
    with pytest.raises(NaturalDataError, match="evaluation or research only"):
        load_natural(folder, real_dir)
    write(folder / "train.jsonl", [written_row(), real_row(TRAINABLE, "c2", labels=[],
                                                            spans=[])])
    splits = load_natural(folder, real_dir)
    assert [len(splits[s].rows) for s in ("train", "dev", "test")] == [2, 1, 1]


def test_read_file_recognises_natural_files(tmp_path: Path) -> None:
    path = write(tmp_path / "n.jsonl", [written_row(), written_row("Sorry, my mistake.")])
    plain = write(tmp_path / "p.jsonl", [{"text": "hi", "labels": []}])
    assert is_by_reference(path) and not is_by_reference(plain)
    rows = read_file(path)
    assert rows[0]["source"] == "written" and rows[0]["hard_negative"] == "calm_night"
    write(tmp_path / "bad.jsonl", [written_row(lang="xx")])
    with pytest.raises(DataError, match="unknown lang"):
        read_file(tmp_path / "bad.jsonl")
