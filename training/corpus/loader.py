"""Loading the corpus as Hugging Face datasets, validating every record on the way in.

A malformed file fails loudly here rather than silently skewing training or evaluation.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from classifier.paths import DATA_ROOT
from classifier.types import LABELS

if TYPE_CHECKING:
    import datasets

DEFAULT_DATA_DIR = DATA_ROOT / "corpus"
SPLITS = ("train", "dev", "test")
LANGS = frozenset({"en", "ru", "de", "es", "fr", "uk", "pl"})
CHANNELS = frozenset({"email", "chat"})
HARD_NEGATIVE_CATEGORIES = frozenset({
    "civil_complaint", "idiom", "quoted_aggression", "security_report", "legal_question",
    "cancellation", "calm_night", "business_hours_urgency", "reasonable_request",
})
REQUIRED = ("id", "text", "labels", "lang", "channel", "sent_at")


def parse_sent_at(value: str) -> datetime:
    """Parse an ISO 8601 timestamp that must carry a UTC offset."""
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError(f"sent_at without a UTC offset: {value!r}")
    return parsed


class CorpusError(ValueError):
    """A corpus file or record breaks the schema in data/GUIDELINES.md."""


def validate_record(record: Any) -> None:
    """Raise CorpusError naming the first schema break in one record."""
    if not isinstance(record, dict):
        raise CorpusError(f"record is not a JSON object: {record!r:.80}")
    missing = [key for key in REQUIRED if key not in record]
    if missing:
        raise CorpusError(f"record {record.get('id')!r}: missing field(s) {missing}")
    rid = record["id"]
    if not isinstance(rid, str) or not rid:
        raise CorpusError(f"record id must be a non-empty string: {rid!r}")
    if not isinstance(record["text"], str) or not record["text"].strip():
        raise CorpusError(f"{rid}: text must be a non-empty string")
    labels = record["labels"]
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        raise CorpusError(f"{rid}: labels must be a list of strings")
    unknown = sorted(set(labels) - set(LABELS))
    if unknown:
        raise CorpusError(f"{rid}: unknown label(s) {unknown}")
    if len(set(labels)) != len(labels):
        raise CorpusError(f"{rid}: repeated label")
    if record["lang"] not in LANGS:
        raise CorpusError(f"{rid}: unknown lang {record['lang']!r}")
    if record["channel"] not in CHANNELS:
        raise CorpusError(f"{rid}: channel must be email or chat, not {record['channel']!r}")
    if not isinstance(record["sent_at"], str):
        raise CorpusError(f"{rid}: sent_at must be an ISO 8601 string")
    try:
        parse_sent_at(record["sent_at"])
    except ValueError as exc:
        raise CorpusError(f"{rid}: bad sent_at: {exc}") from None
    hard = record.get("hard_negative")
    if hard is not None:
        if hard not in HARD_NEGATIVE_CATEGORIES:
            raise CorpusError(f"{rid}: unknown hard_negative category {hard!r}")
        if labels:
            raise CorpusError(f"{rid}: a hard negative cannot carry labels")
    domain = record.get("domain")
    if domain is not None and not isinstance(domain, str):
        raise CorpusError(f"{rid}: domain must be a string or null")


def read_split(path: Path) -> list[dict[str, Any]]:
    """Read and validate one JSONL file."""
    records = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CorpusError(f"{path.name}:{lineno}: not JSON: {exc}") from None
            try:
                validate_record(record)
            except CorpusError as exc:
                raise CorpusError(f"{path.name}:{lineno}: {exc}") from None
            records.append(record)
    return records


def check_unique_ids(splits: dict[str, list[dict[str, Any]]]) -> None:
    seen: dict[str, str] = {}
    for name, records in splits.items():
        for record in records:
            rid = record["id"]
            if rid in seen:
                raise CorpusError(f"duplicate id {rid!r} in {seen[rid]} and {name}")
            seen[rid] = name


def read_corpus(data_dir: Path | None = None,
                splits: Iterable[str] = SPLITS) -> dict[str, list[dict[str, Any]]]:
    """All splits as validated plain records (ids unique across splits)."""
    root = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    out: dict[str, list[dict[str, Any]]] = {}
    for name in splits:
        path = root / f"{name}.jsonl"
        if not path.is_file():
            raise CorpusError(f"missing corpus file {path}")
        out[name] = read_split(path)
    check_unique_ids(out)
    return out


def load_corpus(data_dir: Path | None = None) -> datasets.DatasetDict:
    """The corpus as a DatasetDict with train/dev/test; `hard_negative`/`domain` may be None."""
    import datasets

    features = datasets.Features({
        "id": datasets.Value("string"),
        "text": datasets.Value("string"),
        "labels": datasets.Sequence(datasets.Value("string")),
        "lang": datasets.Value("string"),
        "channel": datasets.Value("string"),
        "sent_at": datasets.Value("string"),
        "hard_negative": datasets.Value("string"),
        "domain": datasets.Value("string"),
    })
    columns = list(features)
    result = {}
    for name, records in read_corpus(data_dir).items():
        rows = {col: [r.get(col) for r in records] for col in columns}
        result[name] = datasets.Dataset.from_dict(rows, features=features)
    return datasets.DatasetDict(result)
