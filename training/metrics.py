"""Evaluation figures: per-label P/R/F1/ROC-AUC/PR-AUC, macro-F1, ECE, per language,
and how often hard negatives get a label they do not carry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def ece(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error over every (message, label) probability."""
    y, p = y.ravel(), p.ravel()
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            total += m.mean() * abs(p[m].mean() - y[m].mean())
    return float(total)


def _auc(y: np.ndarray, p: np.ndarray) -> tuple[float | None, float | None]:
    from sklearn.metrics import average_precision_score, roc_auc_score

    if y.min() == y.max():
        return None, None
    return float(roc_auc_score(y, p)), float(average_precision_score(y, p))


def label_metrics(y: np.ndarray, p: np.ndarray, pred: np.ndarray,
                  labels: Sequence[str]) -> dict[str, dict[str, Any]]:
    from sklearn.metrics import precision_recall_fscore_support

    out = {}
    for j, lab in enumerate(labels):
        pr, rc, f1, _ = precision_recall_fscore_support(y[:, j], pred[:, j], average="binary",
                                                        zero_division=0)
        roc, pra = _auc(y[:, j], p[:, j])
        out[lab] = {"precision": float(pr), "recall": float(rc), "f1": float(f1),
                    "roc_auc": roc, "pr_auc": pra, "support": int(y[:, j].sum())}
    return out


def macro_f1(y: np.ndarray, pred: np.ndarray) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(y, pred, average="macro", zero_division=0))


def ece_per_label(y: np.ndarray, p: np.ndarray, labels: Sequence[str]) -> dict[str, float]:
    """Each label's own calibration error: a pooled ECE can hide one badly calibrated label."""
    return {lab: ece(y[:, j], p[:, j]) for j, lab in enumerate(labels)}


def summary(y: np.ndarray, p: np.ndarray, pred: np.ndarray,
            labels: Sequence[str]) -> dict[str, Any]:
    """The figures every breakdown repeats: size, macro-F1, clean messages flagged, per label."""
    clean = y.sum(axis=1) == 0
    flagged = np.asarray(pred.any(axis=1))
    per = label_metrics(y, p, pred, labels)
    return {"n": len(y), "macro_f1": macro_f1(y, pred), "n_clean": int(clean.sum()),
            "clean_flagged_rate": float(flagged[clean].mean()) if clean.any() else None,
            "per_label": {lab: {k: m[k] for k in ("precision", "recall", "f1", "support")}
                          for lab, m in per.items()}}


def _by(values: Sequence[str | None], y: np.ndarray, p: np.ndarray, pred: np.ndarray,
        labels: Sequence[str]) -> dict[str, Any]:
    groups: dict[str, list[int]] = {}
    for i, v in enumerate(values):
        groups.setdefault(v or "unknown", []).append(i)
    return {k: summary(y[ix], p[ix], pred[ix], labels)
            for k, ix in sorted(groups.items(), key=lambda kv: -len(kv[1]))}


def evaluate_arrays(y: np.ndarray, p: np.ndarray, thresholds: np.ndarray, labels: Sequence[str],
                    langs: Sequence[str | None] | None = None,
                    hard_negative: Sequence[bool | str | None] | None = None,
                    groups: Mapping[str, Sequence[Any]] | None = None) -> dict[str, Any]:
    """All figures for one data set; `hard_negative` may name each row's kind, and `groups`
    adds a `by_<name>` breakdown per entry (e.g. origin real/written, source file)."""
    pred = (p >= thresholds[None, :]).astype(int)
    whole = summary(y, p, pred, labels)
    res: dict[str, Any] = {
        "n": len(y),
        "per_label": label_metrics(y, p, pred, labels),
        "macro_f1": whole["macro_f1"],
        "ece": ece(y, p),
        "ece_per_label": ece_per_label(y, p, labels),
        "n_clean": whole["n_clean"],
        "clean_flagged_rate": whole["clean_flagged_rate"],
    }
    if langs is not None:
        by: dict[str, Any] = {}
        for lang, m in _by(langs, y, p, pred, labels).items():
            by[lang] = {"n": m["n"], "macro_f1": m["macro_f1"],
                        "clean_flagged_rate": m["clean_flagged_rate"],
                        "per_label_f1": {lab: v["f1"] for lab, v in m["per_label"].items()}}
        for name, members in (("ru+en", ("ru", "en")), ("other (not ru/en)", None)):
            ix = np.array([i for i, lg in enumerate(langs)
                           if (lg in members if members else lg not in ("ru", "en"))], dtype=int)
            if len(ix) and len(ix) < len(langs):
                m = summary(y[ix], p[ix], pred[ix], labels)
                by[name] = {"n": m["n"], "macro_f1": m["macro_f1"],
                            "clean_flagged_rate": m["clean_flagged_rate"],
                            "per_label_f1": {lab: v["f1"] for lab, v in m["per_label"].items()}}
        res["by_language"] = by
    if hard_negative is not None:
        hn = np.array([bool(h) for h in hard_negative])
        wrong = ((pred == 1) & (y == 0)).any(axis=1)
        res["n_hard_negatives"] = int(hn.sum())
        res["hard_negative_false_flag_rate"] = float(wrong[hn].mean()) if hn.any() else None
        kinds: dict[str, list[int]] = {}
        for i, h in enumerate(hard_negative):
            if isinstance(h, str) and h:
                kinds.setdefault(h, []).append(i)
        if kinds:
            res["hard_negative_kinds"] = {
                k: {"n": len(ix), "flagged_rate": float(wrong[np.array(ix)].mean())}
                for k, ix in sorted(kinds.items())}
    for name, values in (groups or {}).items():
        res[f"by_{name}"] = _by(values, y, p, pred, labels)
    return res


def tune_thresholds(y: np.ndarray, p: np.ndarray, beta: float = 1.0) -> np.ndarray:
    """Per label, the threshold that maximizes F-beta on the given (dev) data.

    beta < 1 is the precision-first rule: with beta 0.5 precision counts twice as much as
    recall, because a flag an agent cannot trust is worse than none."""
    from sklearn.metrics import fbeta_score

    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    out = np.full(y.shape[1], 0.5)
    for j in range(y.shape[1]):
        scores = [fbeta_score(y[:, j], p[:, j] >= t, beta=beta, zero_division=0) for t in grid]
        best = max(scores)
        # the middle of the best plateau is steadier than its first point
        ties = [t for t, s in zip(grid, scores, strict=True) if s >= best - 1e-9]
        out[j] = float(ties[len(ties) // 2])
    return out


def fit_platt(y: np.ndarray, logits: np.ndarray) -> list[list[float]]:
    """Per label (a, b) with p = sigmoid(a * logit + b), fitted on dev by logistic regression."""
    from sklearn.linear_model import LogisticRegression

    params = []
    for j in range(y.shape[1]):
        if y[:, j].min() == y[:, j].max():
            params.append([1.0, 0.0])
            continue
        lr = LogisticRegression(C=100.0)
        lr.fit(logits[:, j : j + 1], y[:, j])
        params.append([float(lr.coef_[0, 0]), float(lr.intercept_[0])])
    return params


def format_report(res: dict[str, Any]) -> str:
    """A plain-text table for the terminal."""
    def f(x: Any) -> str:
        return "  -  " if x is None else f"{x:.3f}"

    lines = [f"{'label':<22}{'prec':>7}{'recall':>8}{'F1':>7}{'ROC-AUC':>9}{'PR-AUC':>8}{'n+':>6}"]
    for lab, m in res["per_label"].items():
        lines.append(f"{lab:<22}{f(m['precision']):>7}{f(m['recall']):>8}{f(m['f1']):>7}"
                     f"{f(m['roc_auc']):>9}{f(m['pr_auc']):>8}{m['support']:>6}")
    lines.append(f"macro-F1 {f(res['macro_f1'])}   ECE {f(res['ece'])}   n={res['n']}")
    if res.get("ece_per_label"):
        lines.append("ECE per label: " + "  ".join(f"{k}={f(v)}"
                                                   for k, v in res["ece_per_label"].items()))
    if res.get("n_clean"):
        lines.append(f"clean messages flagged: {f(res['clean_flagged_rate'])} of {res['n_clean']}")
    if "hard_negative_false_flag_rate" in res:
        lines.append(f"hard negatives wrongly flagged: {f(res['hard_negative_false_flag_rate'])}"
                     f" of {res['n_hard_negatives']}")
    for kind, m in res.get("hard_negative_kinds", {}).items():
        lines.append(f"  {kind:<24} n={m['n']:<5} flagged {f(m['flagged_rate'])}")
    for key in [k for k in res if k.startswith("by_") and k != "by_language"]:
        lines.append(key.replace("_", " ") + ":")
        for name, m in res[key].items():
            lines.append(f"  {name:<40} n={m['n']:<5} macro-F1 {f(m['macro_f1'])}  clean "
                         f"flagged {f(m['clean_flagged_rate'])} of {m['n_clean']}")
    for lang, m in res.get("by_language", {}).items():
        per = m.get("per_label_f1")
        extra = "  " + " ".join(f"{k[:6]}={f(v)}" for k, v in per.items()) if per else ""
        lines.append(f"  {lang:<18} n={m['n']:<5} macro-F1 {f(m['macro_f1'])}{extra}")
    return "\n".join(lines)


def within_budget(y: np.ndarray, p: np.ndarray, thresholds: np.ndarray,
                  budgets: list[tuple[str, np.ndarray, float]], step: float = 0.01,
                  ceiling: float = 0.95) -> np.ndarray:
    """Raise thresholds until each budget holds: among the rows of its mask (clean ones), at
    most `max_rate` flagged by any label. Each step raises the label flagging most rows of
    the group furthest over its budget, so the labels that cause the false flags pay."""
    thr = np.asarray(thresholds, dtype=float).copy()
    for _ in range(int(1 / step) * y.shape[1]):
        flags = p >= thr[None, :]
        over = [(flags[mask].any(1).mean() - rate, mask) for _, mask, rate in budgets
                if mask.any() and flags[mask].any(1).mean() > rate]
        if not over:
            break
        _, mask = max(over, key=lambda o: o[0])
        counts = flags[mask].sum(0) * (thr < ceiling)
        if counts.max() == 0:
            break  # every label that flags there is at its ceiling already
        j = int(counts.argmax())
        thr[j] = round(min(ceiling, thr[j] + step), 2)
    return thr
