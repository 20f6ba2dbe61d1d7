"""`toneguard data stats`: the corpus figures issue 3 asks for, from the files as shipped."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from itertools import combinations
from pathlib import Path
from typing import Annotated, Any

import typer

from classifier.types import LABELS

data_app = typer.Typer(no_args_is_help=True, help="Inspect the labelled corpus.")


def corpus_stats(splits: Mapping[str, Sequence[Mapping[str, Any]]],
                 near_duplicates: bool = True) -> dict[str, Any]:
    """Counts per split, language, label, label pair and hard-negative category."""
    records = [r for rs in splits.values() for r in rs]
    total = len(records)
    stats: dict[str, Any] = {
        "total": total,
        "splits": {name: len(rs) for name, rs in splits.items()},
        "languages": dict(Counter(r["lang"] for r in records).most_common()),
        "languages_by_split": {name: dict(Counter(r["lang"] for r in rs).most_common())
                               for name, rs in splits.items()},
        "channels": dict(Counter(r["channel"] for r in records).most_common()),
        "labels": {lab: sum(lab in r["labels"] for r in records) for lab in LABELS},
        "label_pairs": {f"{a}+{b}": sum(a in r["labels"] and b in r["labels"] for r in records)
                        for a, b in combinations(LABELS, 2)},
        "label_count": dict(sorted(Counter(len(r["labels"]) for r in records).items())),
        "hard_negatives": dict(Counter(r["hard_negative"] for r in records
                                       if r.get("hard_negative")).most_common()),
        "unlabelled_share": sum(not r["labels"] for r in records) / total if total else 0.0,
        "domains": dict(Counter(r.get("domain") or "-" for r in records).most_common()),
    }
    if near_duplicates:
        from training.corpus.floors import near_duplicate_report

        stats["near_duplicates"] = near_duplicate_report(splits)
    return stats


def format_stats(stats: Mapping[str, Any]) -> str:
    lines = [f"messages: {stats['total']}  " + "  ".join(
        f"{k}={v}" for k, v in stats["splits"].items())]

    def row(title: str, counts: Mapping[str, Any]) -> None:
        lines.append(f"{title}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))

    row("languages", stats["languages"])
    for name, counts in stats["languages_by_split"].items():
        row(f"  {name}", counts)
    row("channels", stats["channels"])
    row("labels", stats["labels"])
    row("label pairs", stats["label_pairs"])
    row("labels per message", stats["label_count"])
    hard = stats["hard_negatives"]
    row(f"hard negatives ({sum(hard.values())})", hard)
    lines.append(f"without label: {stats['unlabelled_share']:.1%}")
    row("domains", stats["domains"])
    near = stats.get("near_duplicates")
    if near:
        within = ", ".join(f"{k.removeprefix('within_')} {v:.4%}" for k, v in near.items()
                           if k.startswith("within_"))
        lines.append(f"near-duplicates (exact token Jaccard): pairs > 0.8 within split: {within}")
        lines.append(f"test vs train/dev: max Jaccard {near['cross_max']:.3f}, "
                     f"items > 0.7: {int(near['cross_over'])}")
    return "\n".join(lines)


@data_app.command("stats")
def stats_command(
    data: Annotated[Path | None, typer.Option("--data", help="corpus folder "
                                              "(default: data/corpus)")] = None,
) -> None:
    """Print counts per split, language, label, label pair, and near-duplicate rates."""
    from training.corpus.loader import CorpusError, read_corpus

    try:
        splits = read_corpus(data)
    except CorpusError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(format_stats(corpus_stats(splits)))
