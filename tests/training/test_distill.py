"""Distillation into a shallow student, on the tiny random BERT: seeding, loss, save, export."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from classifier.config import ModelConfig
from classifier.model import ToneClassifier
from classifier.network import AdapterSpec, build_net, delta_state
from classifier.onnx_backend import INT8_NAME
from tests.training.test_train_smoke import write_corpus
from training.args import TrainingArguments
from training.distill import (
    COMPACT_MARKERS,
    ffn_importance,
    hidden_loss,
    seed_student,
    soft_loss,
    teacher_targets,
)
from training.export import export_model
from training.trainer import Trainer


@pytest.fixture(scope="module")
def student_dir(tiny_base_dir: Path, tiny_classifier_dir: Path,
                tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("student")
    args = TrainingArguments(data=str(write_corpus(tmp / "data")), output_dir=str(tmp / "out"),
                             method="student", student_layers=[1],
                             teacher=str(tiny_classifier_dir), epochs=1, batch_size=4,
                             max_steps=2, base_model=str(tiny_base_dir), max_length=64,
                             name="tiny-student")
    return Trainer(args).run()


def test_student_keeps_only_its_layers_and_says_where_it_came_from(student_dir: Path) -> None:
    clf = ToneClassifier.from_pretrained(student_dir, backend="torch")
    assert clf.config.adapter["method"] == "student"
    assert clf.config.adapter["keep_layers"] == [1]
    assert len(clf.net.bert().encoder.layer) == 1
    assert clf.config.training["distillation"]["teacher"] == "toneguard-tiny 0.0.1-test"
    # The compact input: the marker is two tokens, no "query:" prefix.
    assert clf.config.model_input("hi", True) == f"{COMPACT_MARKERS['outside']} hi"
    pred = clf.predict("You are idiots, fix it now!", spans=True)
    assert set(pred.scores) == set(clf.labels)
    assert "Training" in (student_dir / "README.md").read_text()
    from safetensors import safe_open

    with safe_open(str(student_dir / "model.safetensors"), "pt") as f:  # whole layers: fp16
        assert {f.get_slice(k).get_dtype() for k in f.keys()} == {"F16"}  # noqa: SIM118


def test_student_exports_to_onnx_that_agrees_with_torch(student_dir: Path,
                                                        tmp_path: Path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(student_dir, folder)
    export_model(folder)
    assert (folder / INT8_NAME).is_file()
    fast = ToneClassifier.from_pretrained(folder)
    slow = ToneClassifier.from_pretrained(folder, backend="torch")
    texts = ["Answer me right now!!!", "Спасибо, всё получили.", "ok " * 30]
    assert fast.backend.name == "onnx-int8"
    assert np.abs(fast.predict_proba(texts) - slow.predict_proba(texts)).max() < 0.03


def test_seeding_copies_the_teachers_layers_and_head(tiny_base_dir: Path,
                                                     tiny_classifier: ToneClassifier) -> None:
    teacher = ToneClassifier.from_pretrained(tiny_classifier.folder, backend="torch")
    student = build_net(tiny_base_dir, 4, AdapterSpec(method="student", keep_layers=[1]))
    seed_student(student, teacher.net, [1])
    want = teacher.net.bert().encoder.layer[1].state_dict()
    got = student.bert().encoder.layer[0].state_dict()
    assert set(want) == set(got)
    for name in want:
        torch.testing.assert_close(got[name], want[name])
    torch.testing.assert_close(student.head.weight, teacher.net.head.weight)
    with pytest.raises(ValueError):
        seed_student(student, teacher.net, [0, 1])  # two layers into a one-layer student


def test_a_narrow_student_keeps_the_teachers_most_important_neurons(
        tiny_base_dir: Path, tiny_classifier: ToneClassifier, tmp_path: Path) -> None:
    teacher = ToneClassifier.from_pretrained(tiny_classifier.folder, backend="torch")
    inputs = ["query: [sent outside business hours] Hello, where is my order? Answer me now!",
              "You are idiots, I will sue you and post reviews everywhere."]
    [imp] = ffn_importance(teacher, inputs, [1])
    assert imp.shape == (64,) and (imp >= 0).all() and imp.max() > 0
    student = build_net(tiny_base_dir, 4, AdapterSpec(method="student", keep_layers=[1],
                                                     ffn_size=16))
    seed_student(student, teacher.net, [1], [imp])
    src, dst = teacher.net.bert().encoder.layer[1], student.bert().encoder.layer[0]
    top = torch.sort(torch.topk(imp, 16).indices).values
    torch.testing.assert_close(dst.intermediate.dense.weight, src.intermediate.dense.weight[top])
    torch.testing.assert_close(dst.output.dense.weight, src.output.dense.weight[:, top])
    torch.testing.assert_close(dst.attention.self.query.weight, src.attention.self.query.weight)
    with pytest.raises(ValueError):
        seed_student(student, teacher.net, [1])  # narrow without importance
    # Saved and loaded back, the narrow layer keeps its width.
    folder = tmp_path / "narrow"
    config = ModelConfig(name="narrow", base_model={"path": "base"},
                         adapter=AdapterSpec(method="student", keep_layers=[1],
                                             ffn_size=16).to_dict())
    ToneClassifier(student, teacher.tokenizer, config).save_pretrained(
        folder, delta=delta_state(student), base_dir=tiny_base_dir)
    again = ToneClassifier.from_pretrained(folder, backend="torch")
    assert again.net.bert().encoder.layer[0].intermediate.dense.out_features == 16
    np.testing.assert_allclose(again.predict_proba(inputs[1]),
                               ToneClassifier(student.eval(), again.tokenizer, config)
                               .predict_proba(inputs[1]), atol=1e-6)


def test_only_kept_layers_train(tiny_base_dir: Path) -> None:
    net = build_net(tiny_base_dir, 4, AdapterSpec(method="student", keep_layers=[0]))
    trainable = {n for n, p in net.named_parameters() if p.requires_grad}
    assert trainable and all(n.startswith(("encoder.encoder.layer.0.", "head.")) for n in trainable)
    with pytest.raises(ValueError):
        build_net(tiny_base_dir, 4, AdapterSpec(method="student", keep_layers=[5]))


def test_soft_loss_is_lowest_at_the_teachers_logits() -> None:
    teacher = torch.tensor([[2.0, -1.0, 0.5, -3.0], [0.0, 1.5, -0.5, 4.0]])
    weight = torch.tensor([1.0, 0.5])
    at = teacher.clone().requires_grad_(True)
    soft_loss(at, teacher, weight).backward()
    assert at.grad is not None and at.grad.abs().max() < 1e-6
    assert soft_loss(teacher + 1.0, teacher, weight) > soft_loss(teacher, teacher, weight)


def test_teacher_targets_use_its_own_input_and_come_back_from_the_cache(
        tiny_classifier: ToneClassifier, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TONEGUARD_CACHE_DIR", str(tmp_path))
    texts, outside = ["Answer me right now!!!", "Answer me right now!!!"], [True, False]
    logits, pooled = teacher_targets(tiny_classifier, texts, outside)
    want = tiny_classifier.logits([tiny_classifier.config.model_input(t, o)
                                   for t, o in zip(texts, outside, strict=True)])
    np.testing.assert_allclose(logits, want, atol=1e-5)
    assert pooled.shape == (2, tiny_classifier.net.head.in_features)
    assert not np.allclose(logits[0], logits[1])  # the time marker reached the teacher
    [cached] = list((tmp_path / "distill").glob("*.npz"))
    again = teacher_targets(tiny_classifier, texts, outside)
    np.testing.assert_array_equal(again[0], logits)
    teacher_targets(tiny_classifier, texts[:1], outside[:1])  # other inputs: another entry
    assert len(list((tmp_path / "distill").glob("*.npz"))) == 2 and cached.is_file()


def test_hidden_loss_is_relative_and_zero_at_the_target() -> None:
    target = torch.randn(3, 8)
    assert float(hidden_loss(target, target)) == 0.0
    assert float(hidden_loss(torch.zeros(3, 8), target)) == pytest.approx(1.0)
    assert float(hidden_loss(torch.zeros(3, 8), 10 * target)) == pytest.approx(1.0)


@pytest.mark.parametrize("bad", [dict(method="student", student_layers=[12]),
                                 dict(method="student", student_layers=[]),
                                 dict(method="student", cache_below=1),
                                 dict(teacher="/nonexistent"), dict(distill_weight=1.0),
                                 dict(distill_hidden_weight=-1.0),
                                 dict(method="student", student_ffn=512),
                                 dict(method="student", student_ffn=4096, teacher=".")])
def test_distillation_arguments_validate_themselves(bad: dict) -> None:
    with pytest.raises(ValueError):
        TrainingArguments(**bad).validate()
