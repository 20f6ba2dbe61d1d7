"""Score a model on the hand-written challenge set and list what it gets wrong.

`toneguard evaluate --data data/challenge/challenge.jsonl` already prints the figures; this
module adds the part that turns figures into work: every false positive and false negative,
per label, with its probability, so pack sentences can be written for the missed patterns.
The challenge set is never trained on (data/challenge/README.md).

Run: python -m training.challenge [--model DIR] [--data FILE] [--errors] [--json]
"""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
import typer

from classifier.paths import DATA_ROOT
from classifier.scripts import run_command
from training.data import Row, read_file
from training.metrics import evaluate_arrays, format_report

if TYPE_CHECKING:
    from classifier.model import ToneClassifier


CHALLENGE_PATH = DATA_ROOT / "challenge" / "challenge.jsonl"


@dataclass(frozen=True)
class Miss:
    """One wrong decision on one label of one message."""

    id: str
    lang: str
    label: str
    kind: str  # "FP" (flagged, should not be) or "FN" (missed)
    prob: float
    threshold: float
    sent_at: str
    text: str


def truth(rows: list[Row], labels: list[str]) -> np.ndarray:
    """0/1 matrix of the gold labels, columns in the model's label order."""
    return np.array([[lab in r["labels"] for lab in labels] for r in rows], dtype=int)


def score(clf: ToneClassifier, rows: list[Row]) -> np.ndarray:
    """Calibrated probabilities, with each row's own send time (off-hours depends on it)."""
    times = [datetime.fromisoformat(str(r["sent_at"])) if r.get("sent_at") else None
             for r in rows]
    return np.asarray(clf.predict_proba([r["text"] for r in rows], sent_at=times))


def find_misses(rows: list[Row], y: np.ndarray, probs: np.ndarray, thresholds: np.ndarray,
                labels: list[str]) -> list[Miss]:
    """Every (message, label) where the thresholded decision disagrees with the gold label,
    most confident mistakes first."""
    pred = probs >= thresholds[None, :]
    misses = []
    for i, j in zip(*np.nonzero(pred != y.astype(bool)), strict=True):
        r = rows[i]
        misses.append(Miss(id=str(r.get("id", i)), lang=str(r.get("lang", "?")),
                           label=labels[j], kind="FP" if pred[i, j] else "FN",
                           prob=round(float(probs[i, j]), 4),
                           threshold=round(float(thresholds[j]), 4),
                           sent_at=str(r.get("sent_at", "")), text=r["text"]))
    return sorted(misses, key=lambda m: (m.label, m.kind, -abs(m.prob - m.threshold)))


def evaluate_challenge(clf: ToneClassifier, rows: list[Row]) -> dict[str, Any]:
    """The same figures as `toneguard evaluate`, plus the list of misses."""
    y = truth(rows, clf.labels)
    probs = score(clf, rows)
    res = evaluate_arrays(y, probs, clf.thresholds, clf.labels, [r.get("lang") for r in rows],
                          [bool(r.get("hard_negative")) for r in rows])
    res["misses"] = [asdict(m) for m in find_misses(rows, y, probs, clf.thresholds, clf.labels)]
    return res


def format_misses(misses: list[dict[str, Any]], width: int = 160) -> str:
    lines = []
    for m in misses:
        text = " ".join(m["text"].split())
        if len(text) > width:
            text = text[: width - 1] + "…"
        lines.append(f"{m['kind']} {m['label'][:10]:<10} p={m['prob']:.2f}/{m['threshold']:.2f} "
                     f"{m['id']} {m['sent_at'][:16]}  {text}")
    return "\n".join(lines)


def _update_card(folder: Path, res: dict[str, Any]) -> None:
    """Keep the challenge figures beside the test split's in the card: read them together."""
    from classifier.card import metrics_section, write_card
    from classifier.config import CARD_NAME, ModelConfig

    cfg = ModelConfig.load(folder)
    cfg.training["challenge_set"] = (
        "Hand-written messages never trained on (`data/challenge/`), scored by "
        f"`python -m training.challenge --model {folder}`:\n\n" + metrics_section(res))
    cfg.save(folder)
    write_card(cfg, folder / CARD_NAME)


def cli(
    model: Annotated[Path | None, typer.Option(
        help="model folder (default: the shipped model)")] = None,
    data: Annotated[Path, typer.Option()] = CHALLENGE_PATH,
    errors: Annotated[bool, typer.Option("--errors", help="also list every miss")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    update_card: Annotated[bool, typer.Option(
        "--update-card", help="store the figures in the model's config and card")] = False,
) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from classifier.model import ToneClassifier
    from classifier.paths import model_dir_from_env as default_model_dir

    folder = model or default_model_dir()
    if not (folder / "config.json").exists():
        print(f"error: no model at {folder}", file=sys.stderr)
        return 2
    res = evaluate_challenge(ToneClassifier.from_pretrained(folder), read_file(data))
    res["model"], res["data"] = str(folder), str(data)
    if as_json:
        print(json.dumps(res, indent=2, ensure_ascii=False))
        return 0
    print(format_report(res))
    if update_card:
        _update_card(folder, res)
    if errors:
        print(f"\n{len(res['misses'])} misses (label decisions that disagree with the gold):")
        print(format_misses(res["misses"]))
    return 0


def main(argv: list[str] | None = None) -> int:
    return run_command(cli, argv, "python -m training.challenge", __doc__.split("\n\n")[0])


if __name__ == "__main__":
    sys.exit(main())
