"""ToneClassifier mechanics on the tiny random model: I/O shapes, round trip, context."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from classifier.config import MARKER_INSIDE, MARKER_OUTSIDE
from classifier.model import ToneClassifier
from classifier.types import LABELS, Prediction

SAT_NIGHT = datetime.fromisoformat("2026-03-07T23:40:00+03:00")
TUE_DAY = datetime.fromisoformat("2026-03-10T14:00:00+03:00")


def test_attributes(tiny_classifier: ToneClassifier) -> None:
    assert tiny_classifier.labels == list(LABELS)
    assert tiny_classifier.id2label[0] == LABELS[0]
    assert tiny_classifier.label2id[LABELS[3]] == 3
    assert tiny_classifier.name == "toneguard-tiny" and tiny_classifier.version


def test_single_and_list(tiny_classifier: ToneClassifier) -> None:
    one = tiny_classifier.predict("Where is my order?")
    assert isinstance(one, Prediction) and set(one.scores) == set(LABELS)
    many = tiny_classifier.predict(["Where is my order?", "Ответьте сейчас же!"])
    assert isinstance(many, list) and len(many) == 2
    assert many[0].scores == one.scores  # batching and padding do not change a result
    proba = tiny_classifier.predict_proba(["a", "bb bb", "c c c c c c"])
    assert proba.shape == (3, 4) and ((proba > 0) & (proba < 1)).all()
    assert tiny_classifier.predict_proba("a").shape == (4,)
    assert tiny_classifier.predict([]) == []


def test_labels_follow_thresholds(tiny_classifier: ToneClassifier) -> None:
    pred = tiny_classifier.predict("You people are useless, answer me now!", sent_at=SAT_NIGHT)
    expected = [lab for j, lab in enumerate(LABELS)
                if pred.scores[lab] >= tiny_classifier.thresholds[j] - 1e-4]
    assert pred.labels == expected
    for span in pred.spans:
        assert span.label in pred.labels
        assert pred.text[span.start:span.end] == span.text


def test_clock_reaches_the_model(tiny_classifier: ToneClassifier) -> None:
    night = tiny_classifier.predict("Answer me now!", sent_at=SAT_NIGHT)
    day = tiny_classifier.predict("Answer me now!", sent_at=TUE_DAY)
    unknown = tiny_classifier.predict("Answer me now!")
    assert night.outside_business_hours is True and day.outside_business_hours is False
    assert unknown.outside_business_hours is None
    assert unknown.scores == day.scores  # unknown time reads as business hours
    assert night.scores != day.scores  # the marker changes the input
    per_text = tiny_classifier.predict(["x", "x"], sent_at=[SAT_NIGHT, TUE_DAY])
    assert [p.outside_business_hours for p in per_text] == [True, False]
    with pytest.raises(ValueError):
        tiny_classifier.predict(["x", "y"], sent_at=[SAT_NIGHT])
    tenant = {"timezone": "UTC", "weekly": {"sat": [["00:00", "24:00"]]}}
    assert tiny_classifier.predict("x", sent_at=SAT_NIGHT,
                                   business_hours=tenant).outside_business_hours is False
    assert MARKER_INSIDE != MARKER_OUTSIDE


def test_save_load_round_trip(tiny_classifier: ToneClassifier, tmp_path: Path) -> None:
    tiny_classifier.config.thresholds = {lab: 0.3 for lab in LABELS}
    try:
        out = tiny_classifier.save_pretrained(tmp_path / "copy")
    finally:
        tiny_classifier.config.thresholds = {}
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["labels"] == list(LABELS) and cfg["label2id"]["threat"] == 1
    assert cfg["thresholds"]["aggression"] == 0.3 and "torch" in cfg["versions"]
    assert (out / "README.md").read_text().startswith("# toneguard-tiny")
    assert not list(out.glob("*.bin")) and not list(out.glob("*.pt"))
    again = ToneClassifier.from_pretrained(out)
    texts = ["Where is my order?", "Верните деньги немедленно!"]
    np.testing.assert_allclose(again.predict_proba(texts), tiny_classifier.predict_proba(texts),
                               atol=1e-6)
    assert again.thresholds.tolist() == [0.3] * 4


def test_not_a_model_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        ToneClassifier.from_pretrained(tmp_path)
