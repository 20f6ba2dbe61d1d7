"""Load `data/natural/{train,dev,test}.jsonl`, joining real rows' text from the shared folder.

Real rows hold only a reference (source file and row id), labels and span offsets: the repo
carries nothing it did not write. Their text is read in place from `../shared/datasets/real/`
at load time; where that folder or a row is missing, the row is skipped and counted, so a
checkout without the shared data still trains and evaluates on the written rows.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from classifier.paths import DATA_ROOT, PROJECT_ROOT
from classifier.types import LABELS
from training.corpus.loader import HARD_NEGATIVE_CATEGORIES
from training.corpus.loader import LANGS as CORPUS_LANGS
from training.natural.sources import REAL_SOURCES

logger = logging.getLogger(__name__)

DEFAULT_NATURAL_DIR = DATA_ROOT / "natural"
DEFAULT_REAL_DIR = PROJECT_ROOT.parent / "shared" / "datasets" / "real"  # never shipped
SPLITS = ("train", "dev", "test")
# the composed corpus' languages and kinds, plus what only real and written messages have
LANGS = CORPUS_LANGS | {"it", "pt", "tr"}
HARD_NEGATIVE_KINDS = HARD_NEGATIVE_CATEGORIES | {
    "reported_speech", "apology_or_withdrawal", "polite_urgency", "praise"}
COMMON = ("id", "source", "licence", "labels", "lang", "channel", "sent_at", "spans")


class NaturalDataError(ValueError):
    """A natural data row breaks the schema in data/natural/README.md."""


@dataclass
class Loaded:
    rows: list[dict[str, Any]]
    missing: int = 0  # real rows whose text could not be joined
    missing_reasons: dict[str, int] = field(default_factory=dict)


def _check(row: Any, where: str, split: str | None) -> None:
    if not isinstance(row, dict):
        raise NaturalDataError(f"{where}: not a JSON object")
    absent = [k for k in COMMON if k not in row]
    if absent:
        raise NaturalDataError(f"{where}: missing field(s) {absent}")
    if row["source"] not in ("real", "written"):
        raise NaturalDataError(f"{where}: source must be 'real' or 'written'")
    labels = row["labels"]
    if not isinstance(labels, list) or set(labels) - set(LABELS) or len(set(labels)) != len(labels):
        raise NaturalDataError(f"{where}: labels must be distinct names from {list(LABELS)}")
    if row["lang"] not in LANGS:
        raise NaturalDataError(f"{where}: unknown lang {row['lang']!r}")
    hard = row.get("hard_negative")
    if hard is not None and (hard not in HARD_NEGATIVE_KINDS or labels):
        raise NaturalDataError(f"{where}: hard_negative {hard!r} is unknown or on a labelled row")
    try:
        if datetime.fromisoformat(row["sent_at"]).utcoffset() is None:
            raise ValueError
    except (TypeError, ValueError):
        raise NaturalDataError(f"{where}: sent_at must be ISO 8601 with a UTC offset") from None
    for span in row["spans"]:
        if span.get("label") not in labels or not 0 <= span["start"] < span["end"]:
            raise NaturalDataError(f"{where}: bad span {span}")
    if row["source"] == "written":
        if not isinstance(row.get("text"), str) or not row["text"].strip():
            raise NaturalDataError(f"{where}: a written row needs its text")
        return
    if "text" in row:
        raise NaturalDataError(f"{where}: a real row holds a reference, never the text")
    source = REAL_SOURCES.get(row.get("source_file", ""))
    if source is None or not row.get("source_id"):
        raise NaturalDataError(f"{where}: a real row needs a known source_file and source_id")
    if row.get("eval_only") != source.eval_only or row["licence"] != source.licence:
        raise NaturalDataError(f"{where}: eval_only/licence disagree with {source.file}")
    if split == "train" and source.eval_only:
        raise NaturalDataError(f"{where}: {source.file} is for evaluation or research only and "
                               "may not be in the training split; move the row to dev or test")


class RealTexts:
    """Text of real rows by (file, id), each source file read once and only when asked."""

    def __init__(self, real_dir: Path = DEFAULT_REAL_DIR) -> None:
        self.real_dir = Path(real_dir)
        self._files: dict[str, dict[str, dict[str, Any]] | None] = {}

    def record(self, file: str, row_id: str) -> dict[str, Any] | None:
        """The whole source row (text, lang, orig metadata), or None when absent."""
        if file not in self._files:
            path = self.real_dir / file
            if not path.is_file():
                self._files[file] = None
            else:
                with path.open(encoding="utf-8") as fh:
                    self._files[file] = {r["id"]: r for r in map(json.loads, fh)}
        records = self._files[file]
        return None if records is None else records.get(row_id)

    def get(self, file: str, row_id: str) -> str | None:
        found = self.record(file, row_id)
        return None if found is None else str(found["text"])


def read_rows(path: Path, real: RealTexts | None = None, split: str | None = None) -> Loaded:
    """Rows of one natural file with `text` present; real rows joined or counted as missing."""
    real = real or RealTexts()
    out = Loaded(rows=[])
    with Path(path).open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise NaturalDataError(f"{where}: not JSON ({exc.msg})") from exc
            _check(row, where, split)
            if row["source"] == "real":
                text = real.get(row["source_file"], row["source_id"])
                if text is None:
                    reason = ("folder missing" if not real.real_dir.is_dir()
                              else f"{row['source_file']} row missing")
                    out.missing += 1
                    out.missing_reasons[reason] = out.missing_reasons.get(reason, 0) + 1
                    continue
                row = {**row, "text": text}
                if any(s["end"] > len(text) for s in row["spans"]):
                    raise NaturalDataError(f"{where}: a span runs past the source text; the "
                                           "source file changed, re-annotate the row")
            out.rows.append(row)
    if out.missing:
        logger.warning("%s: %d real row(s) not loaded (%s); real data is read from %s",
                       path, out.missing, out.missing_reasons, real.real_dir)
    return out


def is_by_reference(path: Path) -> bool:
    """Whether a JSONL file is in the natural format (rows with a `source` of real/written)."""
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                try:
                    first = json.loads(line)
                except json.JSONDecodeError:
                    return False
                return isinstance(first, dict) and first.get("source") in ("real", "written")
    return False


def load_natural(folder: Path = DEFAULT_NATURAL_DIR,
                 real_dir: Path = DEFAULT_REAL_DIR) -> dict[str, Loaded]:
    """Every split, validated; the train split refuses evaluation-only sources."""
    real = RealTexts(real_dir)
    missing = [s for s in SPLITS if not (Path(folder) / f"{s}.jsonl").is_file()]
    if missing:
        raise NaturalDataError(f"{folder} lacks {', '.join(m + '.jsonl' for m in missing)}")
    return {s: read_rows(Path(folder) / f"{s}.jsonl", real, s) for s in SPLITS}
