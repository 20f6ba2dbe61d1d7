"""Training arguments read their limits from the base encoder's config and the CLI states
no defaults of its own."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest

from training.args import TrainingArguments, default_of
from training.cli import train


def test_layer_limits_come_from_the_base_model(tiny_base_dir: Path) -> None:
    config = json.loads((tiny_base_dir / "config.json").read_text())
    layers, width = config["num_hidden_layers"], config["intermediate_size"]
    base = str(tiny_base_dir)
    assert TrainingArguments(base_model=base).encoder_shape() == (layers, width)
    TrainingArguments(base_model=base, cache_below=layers - 1).validate()
    for bad in (dict(cache_below=layers), dict(method="student", student_layers=[layers]),
                dict(method="partial", unfreeze_last=layers + 1),
                dict(method="student", student_ffn=width, teacher=base)):
        with pytest.raises(ValueError, match=str(layers - 1 if "student_ffn" not in bad
                                                 else width)):
            TrainingArguments(base_model=base, **bad).validate()


def test_shipped_base_model_keeps_its_twelve_layers() -> None:
    assert TrainingArguments().encoder_shape() == (12, 1536)
    TrainingArguments(cache_below=11).validate()
    with pytest.raises(ValueError, match="0 and 11"):
        TrainingArguments(cache_below=12).validate()


def test_cli_defaults_are_the_dataclass_defaults() -> None:
    options = {name: p.default.default
               for name, p in inspect.signature(train).parameters.items()}
    for name, value in options.items():
        if name in {"data", "output_dir", "overwrite", "teacher", "natural_data",
                    "init_from", "base_model"}:
            continue  # paths: None on both sides, or CLI-only
        want = default_of(name)
        if name == "student_layers":
            want = ",".join(map(str, want))
        assert value == want, name
