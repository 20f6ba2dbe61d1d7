"""What every performance script shares: the test-split sample, machine facts, results files.

Figures are only comparable with the conditions they were taken under, so each JSON
result records the machine, library versions and the load average before and after.
"""

from __future__ import annotations

import json
import math
import os
import platform
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO_ROOT / "bench" / "results"
TEST_SPLIT = REPO_ROOT / "data" / "corpus" / "test.jsonl"
SHIPPED_MODEL = REPO_ROOT / "models" / "toneguard-e5-small"


def test_messages(n: int | None = 512) -> list[dict[str, Any]]:
    """The first `n` messages of the test split (text, sent_at), in file order; None: all."""
    rows = []
    with TEST_SPLIT.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rows.append(json.loads(line))
            if len(rows) == n:
                break
    if n is not None and len(rows) < n:
        raise ValueError(f"{TEST_SPLIT} has only {len(rows)} messages; {n} asked")
    return rows


def parse_sent_at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, Any]:
    import importlib.metadata as md

    versions = {}
    for pkg in ("torch", "transformers", "onnxruntime", "fastapi", "uvicorn"):
        try:
            versions[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            continue
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": platform.node(),
        "cpu": cpu_model(),
        "cores": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "versions": versions,
        "load_average": list(os.getloadavg()),
    }


def rss_bytes(pids: Sequence[int]) -> int:
    """Resident memory of these processes together; one that has exited counts nothing."""
    import psutil

    total = 0
    for pid in pids:
        try:
            total += psutil.Process(pid).memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sample."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def write_result(name: str, data: dict[str, Any]) -> Path:
    """bench/results/<name>.json (latest) plus a dated copy, so runs can be compared."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    (RESULTS_DIR / f"{name}-{stamp}.json").write_text(text)
    latest = RESULTS_DIR / f"{name}.json"
    latest.write_text(text)
    return latest


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain fixed-width table for the terminal (and for pasting into the README)."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
             for r in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)
