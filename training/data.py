"""Read labelled data from JSONL, CSV, Hugging Face datasets on disk or Label Studio exports.

Every reader yields the same rows: `text`, `labels` (list of label names) and, when the
source has them, `sent_at`, `lang`, `hard_negative`. Columns are checked up front, and
the error says how to fix the file rather than failing mid-training.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path
from typing import Any

from classifier.types import LABELS

Row = dict[str, Any]
# kept from a source row when present: time, language, and what evaluation breaks down by
EXTRA_FIELDS = ("sent_at", "lang", "hard_negative", "id", "source", "source_file", "subtle",
                "channel", "eval_only")
SPLITS = ("train", "dev", "test")
_SPLIT_ALIASES = {"train": ("train",), "dev": ("dev", "validation", "valid", "val"),
                  "test": ("test",)}


class DataError(ValueError):
    """The data cannot be used as given; the message says what to change."""


def _labels(value: Any, where: str) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            value = json.loads(text)
        else:
            value = [p.strip() for p in text.replace(";", ",").replace("|", ",").split(",")]
    if not isinstance(value, list | tuple):
        raise DataError(f"{where}: labels must be a list of names or a comma-separated string")
    out = [str(v).strip() for v in value if str(v).strip()]
    unknown = sorted(set(out) - set(LABELS))
    if unknown:
        raise DataError(f"{where}: unknown label(s) {unknown}; allowed: {list(LABELS)}")
    return sorted(set(out), key=LABELS.index)


def _normalize(raw: Row, where: str) -> Row:
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise DataError(f"{where}: empty or missing text")
    row: Row = {"text": text, "labels": _labels(raw.get("labels"), where)}
    for key in EXTRA_FIELDS:
        if raw.get(key) not in (None, ""):
            row[key] = raw[key]
    return row


def _check_columns(columns: set[str], source: str) -> None:
    missing = [c for c in ("text", "labels") if c not in columns]
    if missing:
        raise DataError(
            f"{source} has no {' and no '.join(repr(m) for m in missing)} column "
            f"(columns: {sorted(columns)}). Rename the message column to 'text' and the "
            f"label column to 'labels' (a list like [\"threat\"] or \"threat,aggression\"; "
            f"empty for none); 'sent_at' (ISO 8601 with offset) is optional."
        )


def read_jsonl(path: Path) -> list[Row]:
    rows: list[Row] = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}:{n}: not JSON ({exc.msg})") from exc
            if n == 1 or not rows:
                _check_columns(set(raw), str(path))
            rows.append(_normalize(raw, f"{path}:{n}"))
    return rows


def read_csv(path: Path) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as fh:
        dialect = "excel-tab" if path.suffix in {".tsv", ".tab"} else "excel"
        reader = csv.DictReader(fh, dialect=dialect)
        _check_columns(set(reader.fieldnames or []), str(path))
        return [_normalize(r, f"{path}:{n}") for n, r in enumerate(reader, 2)]


def read_label_studio(path: Path) -> list[Row]:
    """A Label Studio JSON export: tasks with data.text and choices annotations."""
    tasks = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(tasks, list):
        raise DataError(f"{path}: a Label Studio export is a JSON list of tasks")
    rows = []
    for n, task in enumerate(tasks):
        data = task.get("data", {}) if isinstance(task, dict) else {}
        if "text" not in data:
            raise DataError(f"{path}: task {n} has no data.text; name the text field 'text' in "
                            "the labelling config (<Text name=\"text\" value=\"$text\"/>)")
        annotations = [a for a in task.get("annotations", []) if not a.get("was_cancelled")]
        if not annotations:
            continue  # not labelled yet
        choices: list[str] = []
        for res in annotations[-1].get("result", []):
            choices += res.get("value", {}).get("choices", [])
        rows.append(_normalize({**data, "labels": choices}, f"{path}: task {n}"))
    if not rows:
        raise DataError(f"{path}: no annotated tasks")
    return rows


def read_natural(path: Path) -> list[Row]:
    """A `data/natural/` file: real rows joined from the shared folder (missing ones counted)."""
    from training.natural.loader import NaturalDataError, read_rows

    try:
        loaded = read_rows(path)
    except NaturalDataError as exc:
        raise DataError(str(exc)) from exc
    return [_normalize(r, f"{path}:{r['id']}") for r in loaded.rows]


def read_file(path: Path) -> list[Row]:
    if path.suffix in {".jsonl", ".ndjson"}:
        from training.natural.loader import is_by_reference

        return read_natural(path) if is_by_reference(path) else read_jsonl(path)
    if path.suffix in {".csv", ".tsv"}:
        return read_csv(path)
    if path.suffix == ".json":
        return read_label_studio(path)
    raise DataError(f"{path}: unknown format; use .jsonl, .csv/.tsv, a Label Studio .json "
                    "export, or a folder saved by datasets' save_to_disk")


def _from_hf(ds: Any, source: str) -> list[Row]:
    _check_columns(set(ds.column_names), source)
    return [_normalize(dict(r), f"{source}[{i}]") for i, r in enumerate(ds)]


def read_hf_disk(path: Path) -> dict[str, list[Row]]:
    import datasets

    loaded = datasets.load_from_disk(str(path))
    if isinstance(loaded, datasets.DatasetDict):
        out: dict[str, list[Row]] = {}
        for split, aliases in _SPLIT_ALIASES.items():
            for alias in aliases:
                if alias in loaded:
                    out[split] = _from_hf(loaded[alias], f"{path}:{alias}")
                    break
        return out
    return {"all": _from_hf(loaded, str(path))}


def split_rows(rows: list[Row], seed: int) -> dict[str, list[Row]]:
    """A seeded 80/10/10 split for data that comes as one file."""
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    n = len(rows)
    a, b = int(n * 0.8), int(n * 0.9)
    return {"train": [rows[i] for i in order[:a]], "dev": [rows[i] for i in order[a:b]],
            "test": [rows[i] for i in order[b:]]}


def load_splits(data: str | None, seed: int) -> tuple[dict[str, list[Row]], str]:
    """train/dev/test rows and a description of where they came from."""
    if data is None:
        from training.corpus.loader import DEFAULT_DATA_DIR, load_corpus

        dd = load_corpus(DEFAULT_DATA_DIR)
        rows = {s: [_normalize(dict(r), f"corpus:{s}") for r in dd[s]] for s in SPLITS}
        return rows, "project corpus data/corpus/{train,dev,test}.jsonl"
    path = Path(data)
    if path.is_dir() and all((path / f"{s}.jsonl").is_file() for s in SPLITS):
        rows = {s: read_jsonl(path / f"{s}.jsonl") for s in SPLITS}
        return rows, f"{path}/{{train,dev,test}}.jsonl"
    if path.is_dir():
        out = read_hf_disk(path)
        if "all" in out:
            return split_rows(out["all"], seed), f"{path} (datasets, seeded 80/10/10 split)"
        if "train" not in out:
            raise DataError(f"{path}: a DatasetDict needs a 'train' split")
        if "dev" not in out:
            parts = split_rows(out["train"], seed)
            out["train"], out["dev"] = parts["train"] + parts["test"], parts["dev"]
        out.setdefault("test", out["dev"])
        return out, f"{path} (datasets on disk)"
    return split_rows(read_file(path), seed), f"{path} (seeded 80/10/10 split)"


def read_russe_detox(path: Path, max_rows: int, seed: int) -> list[Row]:
    """Weak `aggression` pairs: toxic comments (positive) and their polite rewrites."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, dialect="excel-tab")
        if not {"toxic_comment", "neutral_comment1"} <= set(reader.fieldnames or []):
            raise DataError(f"{path}: expected toxic_comment and neutral_comment1 columns")
        pairs = [(r["toxic_comment"], r["neutral_comment1"]) for r in reader
                 if r.get("toxic_comment") and r.get("neutral_comment1")]
    random.Random(seed).shuffle(pairs)
    rows: list[Row] = []
    for toxic, neutral in pairs[: max_rows // 2]:
        rows.append({"text": toxic, "labels": ["aggression"], "only": ["aggression"]})
        rows.append({"text": neutral, "labels": [], "only": ["aggression"]})
    return rows


def _is_russe_detox(path: Path) -> bool:
    if path.suffix not in {".tsv", ".tab"}:
        return False
    with path.open(encoding="utf-8", newline="") as fh:
        header = fh.readline()
    return "toxic_comment" in header.split("\t")


def read_extra(path: Path, max_rows: int, seed: int) -> tuple[list[Row], bool]:
    """Extra training rows and whether they are weak: RUSSE detox pairs, or any labelled file.

    Labelled files (JSONL, CSV/TSV, Label Studio, e.g. the corpus builder's output with another
    seed) carry full labels; they are sampled down to `max_rows` like the weak pairs.
    """
    if _is_russe_detox(path):
        return read_russe_detox(path, max_rows, seed), True
    rows = read_file(path)
    if len(rows) > max_rows:
        rows = random.Random(seed).sample(rows, max_rows)
    return rows, False
