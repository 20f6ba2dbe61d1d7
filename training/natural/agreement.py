"""Inter-annotator agreement on the natural data: Cohen's kappa per label.

`data/natural/agreement.jsonl` holds, for each row of the sample, the natural row's id and
the labels two annotators gave it independently (`first`, `second`); the natural files carry
the adjudicated labels. `python -m training.natural.agreement` prints the table in the README.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import typer

from classifier.types import LABELS
from training.natural.loader import DEFAULT_NATURAL_DIR


def cohen_kappa(a: Sequence[bool], b: Sequence[bool]) -> float | None:
    """Agreement beyond chance of two binary annotations; None when both never vary."""
    n = len(a)
    if n == 0 or n != len(b):
        raise ValueError("two annotations of the same, non-empty set of rows are needed")
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pa, pb = sum(a) / n, sum(b) / n
    chance = pa * pb + (1 - pa) * (1 - pb)
    if chance == 1.0:
        return None
    return (observed - chance) / (1 - chance)


def kappas(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per label: kappa, raw agreement and how many rows each annotator flagged."""
    out: dict[str, dict[str, Any]] = {}
    for lab in [*LABELS, "any label"]:
        def has(labels: list[str], lab: str = lab) -> bool:
            return bool(labels) if lab == "any label" else lab in labels

        a = [has(r["first"]) for r in rows]
        b = [has(r["second"]) for r in rows]
        out[lab] = {"kappa": cohen_kappa(a, b), "n": len(rows), "first": sum(a),
                    "second": sum(b),
                    "agreement": sum(x == y for x, y in zip(a, b, strict=True)) / len(rows)}
    return out


def read(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def main(path: Path = typer.Argument(DEFAULT_NATURAL_DIR / "agreement.jsonl"),
         as_json: bool = typer.Option(False, "--json")) -> None:
    """Cohen's kappa per label for the doubly annotated sample, overall and real/written."""
    rows = read(path)
    groups = {"all": rows, "real": [r for r in rows if r["source"] == "real"],
              "written": [r for r in rows if r["source"] == "written"]}
    res = {name: kappas(part) for name, part in groups.items() if part}
    if as_json:
        typer.echo(json.dumps(res, indent=2))
        return
    for name, table in res.items():
        typer.echo(f"{name} (n={len(groups[name])})")
        for lab, m in table.items():
            k = "  -  " if m["kappa"] is None else f"{m['kappa']:.3f}"
            typer.echo(f"  {lab:<22} kappa {k}  agreement {m['agreement']:.3f}  "
                       f"flagged {m['first']} / {m['second']}")


if __name__ == "__main__":
    typer.run(main)
