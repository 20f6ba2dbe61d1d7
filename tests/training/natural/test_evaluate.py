"""Breakdowns the natural floors are stated in, and the precision-first threshold rule."""

from __future__ import annotations

import numpy as np
import pytest

from training.metrics import evaluate_arrays, tune_thresholds
from training.natural.agreement import cohen_kappa, kappas
from training.natural.evaluate import breakdowns

LABELS = ["aggression", "threat"]


def test_clean_flags_kinds_groups_and_per_label_ece() -> None:
    y = np.array([[1, 0], [0, 0], [0, 0], [0, 1], [0, 0]])
    p = np.array([[0.9, 0.1], [0.8, 0.1], [0.1, 0.2], [0.1, 0.7], [0.2, 0.9]])
    kinds = [None, "idiom", "idiom", None, "praise"]
    groups = {"origin": ["real", "real", "written", "written", "written"]}
    res = evaluate_arrays(y, p, np.array([0.5, 0.5]), LABELS, ["en", "en", "ru", "de", "de"],
                          kinds, groups)
    assert res["n_clean"] == 3 and res["clean_flagged_rate"] == pytest.approx(2 / 3)
    assert res["hard_negative_kinds"] == {"idiom": {"n": 2, "flagged_rate": 0.5},
                                          "praise": {"n": 1, "flagged_rate": 1.0}}
    assert res["by_origin"]["real"]["clean_flagged_rate"] == 1.0
    assert res["by_origin"]["written"]["clean_flagged_rate"] == 0.5
    assert set(res["ece_per_label"]) == set(LABELS)
    assert res["by_language"]["ru+en"]["n"] == 3
    assert res["by_language"]["other (not ru/en)"]["n"] == 2


def test_precision_first_thresholds_sit_higher_than_f1_ones() -> None:
    rng = np.random.default_rng(0)
    y = (rng.random((2000, 1)) < 0.3).astype(int)
    p = np.where(y == 1, rng.uniform(0.3, 1.0, y.shape), rng.uniform(0.0, 0.7, y.shape))
    f1 = tune_thresholds(y, p)[0]
    precise = tune_thresholds(y, p, beta=0.5)[0]
    assert precise > f1
    flagged = p[:, 0] >= precise
    assert y[flagged, 0].mean() > y[p[:, 0] >= f1, 0].mean()


def test_breakdowns_name_real_complaints_and_sources() -> None:
    rows = [{"source": "real", "source_file": "en_cfpb_complaints.jsonl", "domain": "bank"},
            {"source": "real", "source_file": "pt_toldbr_toxic_tweets.jsonl"},
            {"source": "written", "domain": "shop"}]
    groups = breakdowns(rows, ["source", "domain"])
    assert groups["kind"] == ["real complaint", "real comment", "written"]
    assert groups["source"] == ["en_cfpb_complaints", "pt_toldbr_toxic_tweets", "written"]
    assert groups["domain"] == ["bank", None, "shop"]


def test_cohen_kappa_matches_a_worked_example() -> None:
    # 50 rows: both yes 20, both no 15, a only 5, b only 10 -> kappa 0.4
    a = [True] * 20 + [False] * 15 + [True] * 5 + [False] * 10
    b = [True] * 20 + [False] * 15 + [False] * 5 + [True] * 10
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert cohen_kappa([False] * 3, [False] * 3) is None
    table = kappas([{"first": ["threat"], "second": ["threat"]},
                    {"first": [], "second": ["aggression"]}])
    assert table["threat"]["kappa"] == 1.0 and table["any label"]["agreement"] == 0.5
