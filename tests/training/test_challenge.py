"""The hand-written challenge set: schema, composition, independence from the corpus, the
error listing, and a modest floor for the shipped model on it."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from classifier.types import LABELS
from service.cli import app
from training.challenge import CHALLENGE_PATH, evaluate_challenge, find_misses, main, truth
from training.corpus.holidays import is_business_time
from training.corpus.loader import HARD_NEGATIVE_CATEGORIES, read_corpus, validate_record
from training.corpus.similarity import max_similarity
from training.data import read_file

SHIPPED = Path(__file__).resolve().parents[2] / "models" / "toneguard-e5-small"
OTHER_LANGS = ("de", "es", "fr", "uk", "pl")


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    with CHALLENGE_PATH.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def test_schema_matches_the_corpus(records: list[dict[str, Any]]) -> None:
    for record in records:
        validate_record(record)
        assert record["source"] == "challenge"
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    texts = [" ".join(r["text"].lower().split()) for r in records]
    assert len(texts) == len(set(texts))


def test_composition(records: list[dict[str, Any]]) -> None:
    langs = Counter(r["lang"] for r in records)
    assert len(records) >= 300
    assert langs["en"] >= 110 and langs["ru"] >= 110
    assert all(langs[lang] >= 12 for lang in OTHER_LANGS)
    assert sum(not r["labels"] for r in records) / len(records) >= 0.40
    positives = Counter(lab for r in records for lab in r["labels"])
    assert all(positives[lab] >= 30 for lab in LABELS), positives
    for lang in ("en", "ru"):
        per = Counter(lab for r in records if r["lang"] == lang for lab in r["labels"])
        assert all(per[lab] >= 12 for lab in LABELS), (lang, per)
    categories = {r["hard_negative"] for r in records if r["hard_negative"]}
    assert categories == set(HARD_NEGATIVE_CATEGORIES)


def test_clock_dependent_categories_agree_with_the_business_hours_rule(
    records: list[dict[str, Any]],
) -> None:
    for r in records:
        business = is_business_time(datetime.fromisoformat(r["sent_at"]), r["lang"])
        if r["hard_negative"] == "business_hours_urgency":
            assert business, r["id"]
        if r["hard_negative"] == "calm_night":
            assert not business, r["id"]


def test_not_drawn_from_the_corpus(records: list[dict[str, Any]]) -> None:
    """New pack sentences must cover the challenge's phenomena, never copy its messages."""
    corpus = [r["text"] for split in read_corpus().values() for r in split]
    sims = max_similarity([r["text"] for r in records], corpus)
    worst = int(np.argmax(sims))
    assert float(sims[worst]) <= 0.5, records[worst]["text"]


def test_find_misses_lists_each_disagreement_once() -> None:
    rows = [{"id": "a", "lang": "en", "text": "x", "labels": ["threat"], "sent_at": ""},
            {"id": "b", "lang": "ru", "text": "y", "labels": [], "sent_at": ""}]
    labels = list(LABELS)
    y = truth(rows, labels)
    probs = np.array([[0.9, 0.2, 0.1, 0.0], [0.1, 0.1, 0.8, 0.4]])
    misses = find_misses(rows, y, probs, np.full(4, 0.5), labels)
    got = {(m.id, m.label, m.kind) for m in misses}
    assert got == {("a", "aggression", "FP"), ("a", "threat", "FN"),
                   ("b", "unreasonable_demand", "FP")}


def test_evaluate_challenge_runs_the_real_model_code(tiny_classifier: Any) -> None:
    rows = read_file(CHALLENGE_PATH)[::7][:40]  # a mix of languages
    res = evaluate_challenge(tiny_classifier, rows)
    assert res["n"] == 40 and set(res["per_label"]) == set(LABELS)
    assert {"en", "ru"} <= set(res["by_language"])
    fn = {lab: sum(1 for m in res["misses"] if m["kind"] == "FN" and m["label"] == lab)
          for lab in LABELS}
    for lab, m in res["per_label"].items():  # misses agree with the metrics' own recall
        assert fn[lab] == round(m["support"] * (1 - m["recall"])), (lab, fn[lab], m)
    assert all(m["text"] for m in res["misses"])


def test_module_cli_reports_a_missing_model(tmp_path: Path) -> None:
    assert main(["--model", str(tmp_path / "nope")]) == 2


@pytest.mark.slow
def test_shipped_model_is_precise_on_the_challenge_set() -> None:
    """The shipped model is tuned precision first (issue 16): what it flags is right, and
    hard negatives stay unflagged; recall is what it gives up (README, Known limits)."""
    if not (SHIPPED / "config.json").exists():
        pytest.skip("no shipped model yet at models/toneguard-e5-small")
    result = CliRunner().invoke(app, ["evaluate", "--model", str(SHIPPED), "--data",
                                      str(CHALLENGE_PATH), "--json"])
    assert result.exit_code == 0, result.output
    res = json.loads(result.stdout)
    assert res["n"] >= 300
    assert res["macro_f1"] >= 0.62, res["per_label"]
    assert all(m["precision"] >= 0.85 for m in res["per_label"].values()), res["per_label"]
    assert all(m["f1"] >= 0.45 for m in res["per_label"].values()), res["per_label"]
    assert res["by_language"]["ru+en"]["macro_f1"] >= 0.65
    assert res["hard_negative_false_flag_rate"] <= 0.05
