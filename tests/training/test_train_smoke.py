"""One-step training on the tiny random BERT: the whole pipeline runs and saves a model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from classifier.model import ToneClassifier
from training.args import TrainingArguments
from training.trainer import Trainer

ROWS = [
    ("You are idiots, fix it now!", ["aggression"], "2026-03-10T14:00:00+03:00"),
    ("I will sue you and post reviews everywhere.", ["threat"], "2026-03-10T11:00:00+03:00"),
    ("Answer me right now!!!", ["off_hours_pressure"], "2026-03-07T23:40:00+03:00"),
    ("Answer me right now!!!", [], "2026-03-10T14:00:00+03:00"),
    ("Give me a 90% discount and a free redo, or else.", ["unreasonable_demand", "threat"],
     "2026-03-11T10:00:00+01:00"),
    ("Hello, where is my order? Thanks.", [], "2026-03-08T03:00:00+01:00"),
    ("Nobody answered all night, are you even working?", ["off_hours_pressure"],
     "2026-03-12T10:00:00+00:00"),
    ("Спасибо, всё получили.", [], "2026-03-12T10:00:00+03:00"),
]


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for split in ("train", "dev", "test"):
        with (folder / f"{split}.jsonl").open("w") as fh:
            for i, (text, labels, sent_at) in enumerate(ROWS):
                fh.write(json.dumps({"id": f"{split}-{i}", "text": text, "labels": labels,
                                     "sent_at": sent_at, "lang": "en",
                                     "hard_negative": "calm_night" if i == 5 else None}) + "\n")
    return folder


def test_one_step_training_saves_a_loadable_model(tiny_base_dir: Path, tmp_path: Path) -> None:
    data = write_corpus(tmp_path / "data")
    args = TrainingArguments(data=str(data), output_dir=str(tmp_path / "out"), epochs=1,
                             batch_size=4, max_steps=1, base_model=str(tiny_base_dir),
                             max_length=64, seed=3, name="tiny", version="0.0.1")
    out = Trainer(args).run()
    cfg = json.loads((out / "config.json").read_text())
    assert set(cfg["thresholds"]) == set(cfg["labels"]) and len(cfg["calibration"]) == 4
    assert cfg["evaluation"]["n"] == len(ROWS) and "by_language" in cfg["evaluation"]
    assert cfg["training"]["timing"]["history"][0]["epoch"] == 1
    assert "Training" in (out / "README.md").read_text()
    clf = ToneClassifier.from_pretrained(out)
    assert clf.predict_proba(["Answer me right now!!!"]).shape == (1, 4)

    # Same seed, same data: the same weights (reproducible).
    args.output_dir = str(tmp_path / "again")
    again = ToneClassifier.from_pretrained(Trainer(args).run())
    np.testing.assert_allclose(again.predict_proba(["x y z"]), clf.predict_proba(["x y z"]),
                               atol=1e-6)


def test_partial_unfreezing_runs_with_extra_labelled_data(tiny_base_dir: Path,
                                                          tmp_path: Path) -> None:
    data = write_corpus(tmp_path / "data")
    args = TrainingArguments(data=str(data), output_dir=str(tmp_path / "out"), epochs=1,
                             batch_size=4, max_steps=1, base_model=str(tiny_base_dir),
                             method="partial", unfreeze_last=1, max_length=64,
                             extra_data=[str(data / "dev.jsonl")], extra_max_rows=5)
    out = Trainer(args).run()
    clf = ToneClassifier.from_pretrained(out)
    assert clf.config.adapter["method"] == "partial"
    extra = json.loads((out / "config.json").read_text())["training"]["extra_data"]
    assert extra == ["dev.jsonl: 5 rows (all labels, loss weight 1.0)"]


@pytest.mark.parametrize("bad", [dict(method="full"), dict(epochs=0), dict(learning_rate=3.0),
                                 dict(data="/nonexistent"), dict(max_length=4096),
                                 dict(method="partial", unfreeze_last=0)])
def test_arguments_validate_themselves(bad: dict) -> None:
    with pytest.raises(ValueError):
        TrainingArguments(**bad).validate()


def test_cached_bottom_layers_train_the_top(tiny_base_dir: Path, tmp_path: Path) -> None:
    data = write_corpus(tmp_path / "data")
    args = TrainingArguments(data=str(data), output_dir=str(tmp_path / "out"), epochs=1,
                             batch_size=4, max_steps=2, base_model=str(tiny_base_dir),
                             cache_below=1, max_length=64)
    clf = ToneClassifier.from_pretrained(Trainer(args).run())
    assert clf.config.adapter["lora_layers"] == [1]


def test_bf16_autocast_trains_and_saves_fp32_weights(tiny_base_dir: Path, tmp_path: Path) -> None:
    """bfloat16 autocast speeds steps on AMX CPUs; what is saved must still be fp32."""
    data = write_corpus(tmp_path / "data")
    args = TrainingArguments(data=str(data), output_dir=str(tmp_path / "out"), epochs=1,
                             batch_size=4, max_steps=2, base_model=str(tiny_base_dir),
                             max_length=64, bf16=True)
    out = Trainer(args).run()
    from safetensors.torch import load_file

    dtypes = {t.dtype for t in load_file(str(out / "model.safetensors")).values()}
    assert dtypes == {torch.float32}
    assert ToneClassifier.from_pretrained(out).predict_proba("hello").shape == (4,)


def write_natural(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for split in ("train", "dev", "test"):
        with (folder / f"{split}.jsonl").open("w") as fh:
            for i, (text, labels, sent_at) in enumerate(ROWS):
                fh.write(json.dumps({
                    "id": f"nat-{split}-{i}", "source": "written",
                    "licence": "MIT (written by the toneguard project)", "text": text,
                    "labels": labels, "lang": "en", "channel": "chat", "sent_at": sent_at,
                    "hard_negative": "calm_night" if i == 5 else None, "subtle": False,
                    "spans": []}) + "\n")
    return folder


def test_natural_data_picks_thresholds_and_training_continues_a_model(
        tiny_base_dir: Path, tmp_path: Path) -> None:
    data, natural = write_corpus(tmp_path / "data"), write_natural(tmp_path / "natural")
    first = Trainer(TrainingArguments(
        data=str(data), output_dir=str(tmp_path / "first"), epochs=1, batch_size=4,
        max_steps=1, base_model=str(tiny_base_dir), max_length=64, lora_r=4,
        lora_alpha=8)).run()
    args = TrainingArguments(data=str(data), output_dir=str(tmp_path / "out"), epochs=1,
                             batch_size=4, max_steps=1, base_model=str(tiny_base_dir),
                             max_length=64, natural_data=str(natural), natural_weight=2.0,
                             init_from=str(first), max_train_examples=3)
    out = Trainer(args).run()
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["adapter"]["lora_r"] == 4  # the shape of the model it continued
    assert cfg["training"]["init_from"] == str(first)
    assert "F-beta with beta 0.5" in cfg["training"]["calibration_and_thresholds"]
    natural_test = cfg["evaluations"]["natural_test"]
    assert natural_test["n"] == len(ROWS) and "by_origin" in natural_test
    assert "hard_negative_kinds" in natural_test and "ece_per_label" in natural_test
    assert "natural rows" in cfg["training"]["extra_data"][0]
    card = (out / "README.md").read_text()
    assert "Evaluation (natural test)" in card and "F-beta" in card


@pytest.mark.parametrize("bad", [dict(natural_data="/nonexistent"), dict(natural_weight=0),
                                 dict(init_from="/nonexistent"),
                                 dict(threshold_rule="recall"), dict(threshold_beta=2.0)])
def test_natural_arguments_validate_themselves(bad: dict) -> None:
    with pytest.raises(ValueError):
        TrainingArguments(**bad).validate()
