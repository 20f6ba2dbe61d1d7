"""Each training step alone, on the tiny random BERT: what it reads and what it leaves."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from classifier.network import delta_state
from classifier.types import LABELS
from tests.training.test_train_smoke import ROWS, write_corpus, write_natural
from training.args import TrainingArguments
from training.distill import DistillTargets, distillation_targets
from training.trainer import Built, Trainer, TrainingData, warmup_linear_decay


def _trainer(tiny_base_dir: Path, tmp_path: Path, **kw: object) -> Trainer:
    data = write_corpus(tmp_path / "data")
    settings: dict[str, object] = dict(data=str(data), output_dir=str(tmp_path / "out"),
                                       epochs=1, batch_size=4, base_model=str(tiny_base_dir),
                                       max_length=64, seed=3)
    return Trainer(TrainingArguments(**{**settings, **kw}))  # type: ignore[arg-type]


def _ready(trainer: Trainer) -> tuple[TrainingData, Built]:
    config, spec = trainer.new_config()
    return trainer.prepare_data(config.model_input), trainer.build_model(config, spec)


def test_prepare_data_adds_counterfactuals_and_selects_on_dev(tiny_base_dir: Path,
                                                              tmp_path: Path) -> None:
    trainer = _trainer(tiny_base_dir, tmp_path)
    config, _ = trainer.new_config()
    data = trainer.prepare_data(config.model_input)
    # Two rows have a clock that disagrees with their off-hours label: one extra input each.
    assert len(data.train.inputs) == len(ROWS) + 2
    assert data.select is data.dev and len(data.test.inputs) == len(ROWS)
    assert data.natural is None and data.extra == []
    assert f"{len(ROWS) + 2} training inputs" in data.description
    assert all(x.startswith("query: [sent ") for x in data.train.inputs)


def test_prepare_data_selects_on_natural_dev(tiny_base_dir: Path, tmp_path: Path) -> None:
    trainer = _trainer(tiny_base_dir, tmp_path, natural_data=str(write_natural(tmp_path / "n")),
                       natural_weight=2.0)
    data = trainer.prepare_data()
    assert data.natural is not None and data.select is not data.dev
    assert data.extra and "natural rows" in data.extra[0]
    assert float(data.train.weight.max()) == 2.0


def test_build_model_caches_below_the_cut_and_bundles_a_custom_base(tiny_base_dir: Path,
                                                                    tmp_path: Path) -> None:
    trainer = _trainer(tiny_base_dir, tmp_path, cache_below=1)
    _, model = _ready(trainer)
    assert model.cut == 1 and model.config.adapter["lora_layers"] == [1]
    assert model.bundle and model.config.base_model == {"path": "base"}
    trained = {n for n, p in model.net.named_parameters() if p.requires_grad}
    assert trained and not any("layer.0." in n for n in trained)


def test_without_a_teacher_distillation_adds_nothing(tiny_base_dir: Path,
                                                     tmp_path: Path) -> None:
    trainer = _trainer(tiny_base_dir, tmp_path)
    _, model = _ready(trainer)
    targets = distillation_targets(trainer.args, model.net, ["hi"], [None], cached=False)
    assert targets == DistillTargets()


def test_batch_loss_counts_only_masked_in_labels(tiny_base_dir: Path, tmp_path: Path) -> None:
    trainer = _trainer(tiny_base_dir, tmp_path)
    data, model = _ready(trainer)
    feed = trainer.feed(model, data)
    model.net.eval()  # no dropout: the same inputs give the same loss
    idx = [0, 1, 2]
    full = trainer.batch_loss(model, feed, DistillTargets(), idx)
    assert full.item() > 0
    feed.mask[idx] = 0  # no label counts for these rows
    assert trainer.batch_loss(model, feed, DistillTargets(), idx).item() == 0.0


def test_train_loop_stops_at_max_steps_and_keeps_the_best_epoch(tiny_base_dir: Path,
                                                                tmp_path: Path) -> None:
    trainer = _trainer(tiny_base_dir, tmp_path, epochs=3, max_steps=2)
    data, model = _ready(trainer)
    before = delta_state(model.net)
    fit = trainer.train_loop(model, data)
    assert [h["epoch"] for h in fit.history] == [1]  # 3 batches an epoch, stopped at 2 steps
    assert fit.best_epoch == 1 and round(fit.best_f1, 4) == fit.history[0]["dev_macro_f1"]
    assert any(not torch.equal(before[k], fit.best_delta[k]) for k in before)


def test_calibrate_evaluate_and_record(tiny_base_dir: Path, tmp_path: Path) -> None:
    trainer = _trainer(tiny_base_dir, tmp_path, max_steps=1)
    data, model = _ready(trainer)
    fit = trainer.train_loop(model, data)
    clf = trainer.calibrate(model, trainer.stored_delta(fit.best_delta), data.select)
    assert set(model.config.thresholds) == set(LABELS) == set(model.config.calibration)
    np.testing.assert_array_equal(clf.thresholds, [model.config.thresholds[lab]
                                                   for lab in LABELS])
    trainer.evaluate(clf, data)
    assert model.config.evaluation["split"] == "test"
    assert model.config.evaluation["n"] == len(ROWS)
    record = trainer.training_record(data, DistillTargets(), fit, 12.34)
    assert record["distillation"] == "none" and record["timing"]["total_seconds"] == 12.3
    assert "F-beta with beta 0.5" in record["calibration_and_thresholds"]
    model.config.training = record
    out = trainer.save(model, fit.best_delta)
    assert (out / "config.json").is_file() and (out / "base" / "config.json").is_file()


def test_student_weights_are_stored_and_calibrated_in_half_precision(
        tiny_base_dir: Path, tmp_path: Path) -> None:
    trainer = _trainer(tiny_base_dir, tmp_path, method="student", student_layers=[1])
    delta = trainer.stored_delta({"w": torch.ones(2)})
    assert delta["w"].dtype == torch.float16


@pytest.mark.parametrize(("warmup", "total", "step", "factor"),
                         [(2, 10, 0, 0.5), (2, 10, 1, 1.0), (2, 10, 6, 0.5), (2, 10, 10, 0.0)])
def test_learning_rate_warms_up_then_decays_to_zero(warmup: int, total: int, step: int,
                                                    factor: float) -> None:
    assert warmup_linear_decay(warmup, total)(step) == pytest.approx(factor)
