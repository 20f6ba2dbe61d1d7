"""Calibration and thresholds picked on natural dev: during training, or again for a
trained model (`toneguard calibrate MODEL`) without touching its weights.

Threshold rules, per label:
- "precision": the threshold that maximises F-beta (beta < 1: precision counts more);
- "f1": the threshold that maximises F1;
- "budget": the F1 threshold, then raised until natural dev stays inside the false-flag
  budgets: clean messages flagged (any label) at most `max_clean_flagged`, clean real
  complaints at most `max_real_complaint_flagged`. Recall is bought only with the false
  flags issue 16's precision floors (6% and 5%) can afford, with a margin.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from classifier.calibration import sigmoid
from classifier.paths import project_relative
from training.metrics import fit_platt, tune_thresholds, within_budget
from training.natural.evaluate import row_kind

logger = logging.getLogger(__name__)

RULES = ("precision", "f1", "budget")


@dataclass(frozen=True)
class ThresholdRule:
    rule: str = "precision"
    beta: float = 0.5  # for "precision"
    max_clean_flagged: float = 0.05  # for "budget"
    max_real_complaint_flagged: float = 0.045

    def describe(self, where: str) -> str:
        if self.rule == "budget":
            return (f"per label the threshold that maximises F1 on {where} (the middle of the "
                    "best plateau), then raised, for the label flagging most of them, until "
                    f"at most {self.max_clean_flagged:.1%} of its clean messages and "
                    f"{self.max_real_complaint_flagged:.1%} of its clean real complaints are "
                    "flagged (precision first: the false-flag budget of issue 16's floors, "
                    "with a margin)")
        what = (f"F-beta with beta {self.beta} (precision first)" if self.rule == "precision"
                else "F1")
        return f"per label the threshold that maximises {what} on {where} (the middle of " \
               "the best plateau)"


def pick_thresholds(y: np.ndarray, p: np.ndarray, rule: ThresholdRule,
                    rows: Sequence[dict[str, Any]] | None = None) -> np.ndarray:
    """Per-label thresholds on calibrated probabilities `p` of the selection rows."""
    if rule.rule == "precision":
        return tune_thresholds(y, p, rule.beta)
    thr = tune_thresholds(y, p, 1.0)
    if rule.rule == "f1":
        return thr
    clean = y.sum(1) == 0
    budgets = [("clean", clean, rule.max_clean_flagged)]
    if rows is not None:
        real = np.array([row_kind(r) == "real complaint" for r in rows], dtype=bool)
        budgets.append(("clean real complaints", clean & real, rule.max_real_complaint_flagged))
    return within_budget(y, p, thr, budgets)


def fit_calibration(y: np.ndarray, logits: np.ndarray, rule: ThresholdRule,
                    rows: Sequence[dict[str, Any]] | None = None,
                    ) -> tuple[list[list[float]], np.ndarray]:
    """Platt (a, b) per label and the thresholds on the calibrated probabilities."""
    platt = fit_platt(y, logits)
    a = np.array([pa for pa, _ in platt])
    b = np.array([pb for _, pb in platt])
    return platt, pick_thresholds(y, sigmoid(logits * a + b), rule, rows)


def recalibrate(folder: Path, natural_dir: Path, rule: ThresholdRule, command: str) -> Any:
    """Refit the calibration and thresholds of the model in `folder` on natural dev, score
    natural test and the composed test split again, and rewrite its config and card."""
    from classifier.card import write_card
    from classifier.config import ModelConfig
    from classifier.model import ToneClassifier
    from classifier.types import LABELS
    from training.data import load_splits
    from training.natural.loader import load_natural
    from training.trainer import evaluation_figures, prepare

    clf = ToneClassifier.from_pretrained(folder, backend="torch")
    natural = load_natural(natural_dir)
    dev_rows = natural["dev"].rows
    dev = prepare(dev_rows, to_input=clf.config.model_input)
    platt, thr = fit_calibration(dev.y, clf.logits(dev.inputs), rule, dev_rows)
    config = ModelConfig.load(folder)
    config.calibration = {lab: platt[j] for j, lab in enumerate(LABELS)}
    config.thresholds = {lab: float(thr[j]) for j, lab in enumerate(LABELS)}
    config.save(folder)
    clf = ToneClassifier.from_pretrained(folder, backend="torch")
    splits, _ = load_splits(None, 0)
    test = prepare(splits["test"], to_input=clf.config.model_input)
    config.evaluation, config.evaluations = evaluation_figures(clf, test, natural["test"].rows)
    where = f"{project_relative(natural_dir)}/dev.jsonl"
    config.training["calibration_and_thresholds"] = (
        f"Platt scaling per label fitted on {where}; {rule.describe(where)}")
    config.training.pop("threshold_override", None)
    config.training["recalibration"] = f"calibration and thresholds refitted by `{command}`"
    config.save(folder)
    write_card(config, folder / "README.md")
    logger.info("recalibrated %s: thresholds %s", folder, config.thresholds)
    return config
