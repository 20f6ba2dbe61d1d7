"""Data readers: every supported format yields the same rows; bad columns say how to fix."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from training.data import DataError, load_splits, read_extra, read_file


def test_jsonl_csv_and_label_studio_agree(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(
        json.dumps({"text": "You idiots", "labels": ["aggression"]}) + "\n"
        + json.dumps({"text": "Thanks!", "labels": []}) + "\n")
    with (tmp_path / "a.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "labels"])
        w.writerow(["You idiots", "aggression"])
        w.writerow(["Thanks!", ""])
    ls = [{"data": {"text": "You idiots"},
           "annotations": [{"result": [{"type": "choices",
                                        "value": {"choices": ["aggression"]}}]}]},
          {"data": {"text": "Thanks!"}, "annotations": [{"result": []}]},
          {"data": {"text": "not labelled yet"}, "annotations": []}]
    (tmp_path / "a.json").write_text(json.dumps(ls))
    want = [("You idiots", ["aggression"]), ("Thanks!", [])]
    for name in ("a.jsonl", "a.csv", "a.json"):
        rows = read_file(tmp_path / name)
        assert [(r["text"], r["labels"]) for r in rows] == want, name


def test_hf_dataset_on_disk(tmp_path: Path) -> None:
    import datasets

    ds = datasets.DatasetDict({
        "train": datasets.Dataset.from_dict({"text": ["a b", "c d"] * 5,
                                             "labels": [["threat"], []] * 5}),
        "validation": datasets.Dataset.from_dict({"text": ["e"], "labels": [[]]}),
    })
    ds.save_to_disk(str(tmp_path / "ds"))
    splits, desc = load_splits(str(tmp_path / "ds"), seed=1)
    assert len(splits["train"]) == 10 and splits["dev"][0]["text"] == "e"
    assert "datasets" in desc


@pytest.mark.parametrize("content,hint", [
    ({"message": "x", "labels": []}, "'text'"),
    ({"text": "x", "tags": ["threat"]}, "'labels'"),
])
def test_missing_columns_name_the_fix(tmp_path: Path, content: dict, hint: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(content) + "\n")
    with pytest.raises(DataError, match="Rename") as err:
        read_file(path)
    assert hint in str(err.value)


def test_unknown_label_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"text": "x", "labels": ["rudeness"]}) + "\n")
    with pytest.raises(DataError, match="unknown label"):
        read_file(path)


def test_evaluate_cli_on_tiny_model(tiny_classifier_dir: Path, tmp_path: Path) -> None:
    from service.cli import app

    path = tmp_path / "eval.jsonl"
    rows = [{"text": "You idiots", "labels": ["aggression"], "lang": "en",
             "sent_at": "2026-03-07T23:40:00+03:00"},
            {"text": "Спасибо", "labels": [], "lang": "ru", "hard_negative": "calm_night"}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    runner = CliRunner()
    res = runner.invoke(app, ["evaluate", "--model", str(tiny_classifier_dir), "--data",
                              str(path), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["n"] == 2 and set(data["per_label"]) >= {"aggression", "threat"}
    assert "ece" in data and data["n_hard_negatives"] == 1 and "ru" in data["by_language"]
    text = runner.invoke(app, ["evaluate", "--model", str(tiny_classifier_dir), "--data",
                               str(path)])
    assert "macro-F1" in text.stdout
    missing = runner.invoke(app, ["evaluate", "--data", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 2


def test_extra_data_is_weak_pairs_or_a_labelled_file(tmp_path: Path) -> None:
    russe = tmp_path / "detox.tsv"
    with russe.open("w", newline="") as fh:
        w = csv.writer(fh, dialect="excel-tab")
        w.writerow(["toxic_comment", "neutral_comment1", "neutral_comment2"])
        for n in range(5):
            w.writerow([f"rude {n}", f"polite {n}", ""])
    rows, weak = read_extra(russe, max_rows=4, seed=1)
    assert weak and len(rows) == 4
    assert all(r["only"] == ["aggression"] for r in rows)
    assert sorted(r["labels"] for r in rows) == [[], [], ["aggression"], ["aggression"]]

    labelled = tmp_path / "more.jsonl"
    labelled.write_text("".join(json.dumps({"text": f"msg {n}", "labels": ["threat"] if n % 2
                                            else []}) + "\n" for n in range(10)))
    rows, weak = read_extra(labelled, max_rows=6, seed=1)
    assert not weak and len(rows) == 6 and len({r["text"] for r in rows}) == 6
    assert rows == read_extra(labelled, max_rows=6, seed=1)[0]  # the sample is seeded
    assert len(read_extra(labelled, max_rows=100, seed=1)[0]) == 10
