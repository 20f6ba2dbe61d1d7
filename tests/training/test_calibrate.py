"""Thresholds inside a false-flag budget, and `toneguard calibrate` on a saved model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from service.cli import app
from tests.training.test_train_smoke import write_natural
from training.calibrate import ThresholdRule, pick_thresholds
from training.metrics import within_budget


def _clean_flag_rate(y: np.ndarray, p: np.ndarray, thr: np.ndarray) -> float:
    clean = y.sum(1) == 0
    return float((p[clean] >= thr).any(1).mean())


def test_budget_raises_only_the_label_that_flags_clean_rows() -> None:
    rng = np.random.default_rng(0)
    n = 400
    y = np.zeros((n, 2), dtype=int)
    y[:100, 0], y[100:200, 1] = 1, 1
    p = np.clip(rng.normal(0.2, 0.05, (n, 2)), 0, 1)
    p[:100, 0], p[100:200, 1] = 0.8, 0.8
    p[200:260, 0] = np.linspace(0.35, 0.6, 60)  # label 0 also fires on 60 clean rows
    start = np.array([0.3, 0.3])
    assert _clean_flag_rate(y, p, start) > 0.25
    thr = within_budget(y, p, start, [("clean", y.sum(1) == 0, 0.05)])
    assert _clean_flag_rate(y, p, thr) <= 0.05
    assert thr[1] == 0.3 and 0.5 < thr[0] < 0.8  # the culprit pays, recall on y stays whole
    assert ((p[:100, 0] >= thr[0]).all())


def test_budget_rule_also_holds_real_complaints_to_theirs() -> None:
    y = np.zeros((200, 1), dtype=int)
    y[:20] = 1
    p = np.full((200, 1), 0.1)
    p[:20, 0] = np.linspace(0.4, 0.9, 20)
    p[100:110] = 0.6  # ten clean real complaints flagged at F1's threshold
    rows = [{"source": "written"}] * 100 + [
        {"source": "real", "source_file": "en_cfpb_complaints.jsonl"}] * 100
    loose = ThresholdRule("budget", max_clean_flagged=0.2, max_real_complaint_flagged=0.2)
    strict = ThresholdRule("budget", max_clean_flagged=0.2, max_real_complaint_flagged=0.05)
    assert pick_thresholds(y, p, loose, rows)[0] <= 0.6
    assert 0.6 < pick_thresholds(y, p, strict, rows)[0] <= 0.9
    written_only = [{"source": "written"}] * 200  # no real complaint: only the clean budget
    assert pick_thresholds(y, p, strict, written_only)[0] <= 0.6


def test_calibrate_rewrites_thresholds_and_card(tiny_classifier_dir: Path,
                                                tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(tiny_classifier_dir, model)
    natural = write_natural(tmp_path / "natural")
    result = CliRunner().invoke(app, ["calibrate", str(model), "--natural-data", str(natural),
                                      "--threshold-rule", "f1"])
    assert result.exit_code == 0, result.output
    config = json.loads((model / "config.json").read_text())
    assert "toneguard calibrate" in config["training"]["recalibration"]
    assert "natural_test" in config["evaluations"]
    assert set(config["thresholds"]) == set(config["labels"])
    card = (model / "README.md").read_text()
    assert "### Recalibration" in card and "maximises F1" in card
    bad = CliRunner().invoke(app, ["calibrate", str(model), "--threshold-rule", "loose"])
    assert bad.exit_code == 2 and "precision, f1, budget" in bad.output
