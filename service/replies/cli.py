"""`toneguard replies evaluate`: how well the reply policy fits the labelled set."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

replies_app = typer.Typer(no_args_is_help=True, help="Reply suggestions: evaluation.")


class Mode(StrEnum):
    rules = "rules"
    semantic = "semantic"


class LabelSource(StrEnum):
    gold = "gold"
    model = "model"


@replies_app.command("evaluate")
def evaluate_cmd(
    data: Annotated[Path | None, typer.Option(help="Labelled set [data/replies/eval.jsonl].")]
    = None,
    mode: Annotated[Mode, typer.Option(help="rules (labels, risk, topics) or semantic (+ e5).")]
    = Mode.rules,
    labels: Annotated[LabelSource, typer.Option(
        help="gold: the data's labels (measures the policy); model: the shipped model's.")]
    = LabelSource.gold,
    model: Annotated[Path | None, typer.Option(help="Model folder for --labels model.")] = None,
    k: Annotated[int, typer.Option(min=1, max=10, help="Suggestions shown per message.")] = 3,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    misses: Annotated[bool, typer.Option(help="Also list the messages it got wrong.")] = False,
) -> None:
    """Top-1 acceptable and harmful-suggestion rates, overall, per language, flagged/clean."""
    from service.replies.evaluate import (
        DEFAULT_EVAL,
        EvalDataError,
        evaluate,
        format_report,
        load_cases,
        model_labeller,
    )
    from service.replies.suggester import ReplySuggester

    suggester = (ReplySuggester.semantic() if mode is Mode.semantic
                 else ReplySuggester.rules_only())
    try:
        cases = load_cases(data or DEFAULT_EVAL, suggester.playbook)
    except (EvalDataError, OSError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    labeller = None
    if labels is LabelSource.model:
        from classifier.paths import model_dir_from_env as default_model_dir

        labeller = model_labeller(model or default_model_dir())
    report = evaluate(cases, suggester, k=k, labeller=labeller)
    if as_json:
        out = report.as_dict()
        if not misses:
            out.pop("misses")
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    for line in format_report(report):
        typer.echo(line)
    if misses:
        for miss in report.misses:
            typer.echo(json.dumps(miss, ensure_ascii=False))
