"""Score the reply policy against the labelled set in data/replies/eval.jsonl.

Each row names a message of the natural or challenge data by id (the text stays in
its own file), the client's risk level, the templates an agent could send as they
are (`acceptable`), those that would do damage (`harmful`) and whether showing
nothing is fine (`nothing_ok`). Two figures come out: how often the first
suggestion is acceptable, and how often any shown suggestion is harmful.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from classifier.paths import PROJECT_ROOT, REPLIES_DIR
from service.replies.suggester import ReplySuggester
from service.replies.templates import RISK_LEVELS, Playbook

DEFAULT_EVAL = REPLIES_DIR / "eval.jsonl"
_ROW_KEYS = {"id", "file", "lang", "risk_level", "acceptable", "harmful", "nothing_ok"}
# A labeller (the shipped model, in `--labels model`) maps texts and send times to labels.
Labeller = Callable[[list[str], list[datetime | None]], list[list[str]]]


class EvalDataError(ValueError):
    """The evaluation file or a row it points to is broken; the message says where."""


@dataclass(frozen=True)
class EvalCase:
    id: str
    lang: str
    risk_level: str
    acceptable: tuple[str, ...]
    harmful: tuple[str, ...]
    nothing_ok: bool
    text: str
    labels: tuple[str, ...]  # the gold labels of the source row
    sent_at: datetime | None


def _source_rows(path: Path, cache: dict[Path, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    if path not in cache:
        if not path.is_file():
            raise EvalDataError(f"source file {path} does not exist")
        rows: dict[str, dict[str, Any]] = {}
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    row = json.loads(line)
                    rows[row["id"]] = row
        cache[path] = rows
    return cache[path]


def load_cases(path: Path = DEFAULT_EVAL, playbook: Playbook | None = None) -> list[EvalCase]:
    """Read the set and resolve every row's message; raises EvalDataError naming the line."""
    known = {t.id for t in playbook.templates} if playbook else None
    cache: dict[Path, dict[str, dict[str, Any]]] = {}
    cases: list[EvalCase] = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            row = json.loads(line)
            if set(row) != _ROW_KEYS:
                raise EvalDataError(f"{where}: fields must be {sorted(_ROW_KEYS)}")
            if row["risk_level"] not in RISK_LEVELS:
                raise EvalDataError(f"{where}: unknown risk level {row['risk_level']!r}")
            if not row["acceptable"] and not row["nothing_ok"]:
                raise EvalDataError(f"{where}: nothing would count as a right answer")
            if known is not None:
                missing = [t for t in (*row["acceptable"], *row["harmful"]) if t not in known]
                if missing:
                    raise EvalDataError(f"{where}: unknown template id(s) {missing}")
            source = _source_rows(PROJECT_ROOT / row["file"], cache).get(row["id"])
            if source is None or not source.get("text"):
                raise EvalDataError(f"{where}: no written row {row['id']!r} in {row['file']}")
            sent = source.get("sent_at")
            cases.append(EvalCase(
                id=row["id"], lang=row["lang"], risk_level=row["risk_level"],
                acceptable=tuple(row["acceptable"]), harmful=tuple(row["harmful"]),
                nothing_ok=bool(row["nothing_ok"]), text=source["text"],
                labels=tuple(source.get("labels") or ()),
                sent_at=datetime.fromisoformat(sent) if sent else None,
            ))
    return cases


@dataclass
class Tally:
    n: int = 0
    top1_ok: int = 0
    harmful: int = 0
    shown: int = 0  # messages that got at least one suggestion

    def add(self, top1_ok: bool, harmful: bool, shown: bool) -> None:
        self.n += 1
        self.top1_ok += top1_ok
        self.harmful += harmful
        self.shown += shown

    def as_dict(self) -> dict[str, float | int]:
        n = max(self.n, 1)
        return {"n": self.n, "top1_acceptable": round(self.top1_ok / n, 4),
                "harmful": round(self.harmful / n, 4), "shown": round(self.shown / n, 4)}


@dataclass
class Report:
    mode: str
    labels: str
    k: int
    groups: dict[str, Tally] = field(default_factory=dict)
    misses: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "labels": self.labels, "k": self.k,
                "groups": {name: t.as_dict() for name, t in self.groups.items()},
                "misses": self.misses}


def evaluate(
    cases: Sequence[EvalCase],
    suggester: ReplySuggester,
    k: int = 3,
    labeller: Labeller | None = None,
) -> Report:
    """Suggest for every case (gold labels, or the labeller's) and count the outcomes."""
    if labeller is None:
        labels = [list(c.labels) for c in cases]
    else:
        labels = labeller([c.text for c in cases], [c.sent_at for c in cases])
    report = Report(suggester.mode, "gold" if labeller is None else "model", k)
    for case, used in zip(cases, labels, strict=True):
        replies = suggester.suggest(case.text, used, case.lang, case.risk_level, {}, k=k)
        ids = [r.id for r in replies]
        top1_ok = ids[0] in case.acceptable if ids else case.nothing_ok
        harmful = any(i in case.harmful for i in ids)
        kind = "flagged" if case.labels else "clean"
        for group in ("all", f"lang={case.lang}", kind):
            report.groups.setdefault(group, Tally()).add(top1_ok, harmful, bool(ids))
        if not top1_ok or harmful:
            report.misses.append({"id": case.id, "labels": used, "shown": ids,
                                  "top1_acceptable": top1_ok, "harmful": harmful})
    report.groups = dict(sorted(report.groups.items(), key=lambda kv: _group_key(kv[0])))
    return report


def _group_key(name: str) -> tuple[int, str]:
    return ({"all": 0, "clean": 2, "flagged": 3}.get(name, 1), name)


def model_labeller(model_dir: Path) -> Labeller:
    """Label texts with the shipped classifier (the figures then include its mistakes)."""
    from classifier.model import ToneClassifier

    model = ToneClassifier.from_pretrained(model_dir)

    def label(texts: list[str], sent_at: list[datetime | None]) -> list[list[str]]:
        preds = model.predict(texts, sent_at=sent_at)
        return [list(p.labels) for p in preds]

    return label


def format_report(report: Report) -> Iterable[str]:
    yield f"mode={report.mode} labels={report.labels} k={report.k}"
    yield f"{'group':<10} {'n':>4} {'top-1 acceptable':>17} {'harmful':>8} {'shown':>6}"
    for name, tally in report.groups.items():
        d = tally.as_dict()
        yield (f"{name:<10} {d['n']:>4} {d['top1_acceptable']:>17.3f} {d['harmful']:>8.3f} "
               f"{d['shown']:>6.3f}")
