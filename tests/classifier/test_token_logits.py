"""Token logits: each token's share of the logit, from the same pass, on every backend.

logit_j = masked mean_t token_logits[t, j] + head bias_j, exactly (mean pooling and a
linear head commute). An ONNX graph exported before token logits existed is stale: it is
not loaded (torch runs) until `toneguard export` writes it again.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from classifier.config import model_input
from classifier.model import ToneClassifier
from classifier.onnx_backend import FP32_NAME, INT8_NAME, TOKEN_LOGITS, OnnxBackend, find_onnx
from training.export import export_model

TEXTS = [
    "Hello, where is my order? Answer me now!",
    "Вы идиоты, я подам в суд и напишу отзывы везде. Верните деньги сегодня.",
    "ok",
    "Dzień dobry, gdzie jest moje zamówienie? " * 2,
]


def _batch(clf: ToneClassifier) -> tuple[np.ndarray, np.ndarray]:
    enc = clf.tokenizer([model_input(t, None) for t in TEXTS], padding=True, return_tensors="np")
    return enc["input_ids"], enc["attention_mask"]


def _masked_mean(tokens: np.ndarray, mask: np.ndarray) -> np.ndarray:
    m = mask[:, :, None].astype(np.float64)
    return (tokens * m).sum(axis=1) / m.sum(axis=1)


def _head_bias(clf: ToneClassifier) -> np.ndarray:
    return clf.net.head.bias.detach().numpy().astype(np.float64)


@pytest.fixture(scope="module")
def torch_clf(tiny_classifier_dir: Path) -> ToneClassifier:
    return ToneClassifier.from_pretrained(tiny_classifier_dir, backend="torch")


@pytest.fixture(scope="module")
def exported(tiny_classifier_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("token-logits") / "model"
    shutil.copytree(tiny_classifier_dir, folder)
    export_model(folder, keep_fp32=True)  # model.onnx (fp32) and model-int8.onnx
    return folder


def test_torch_token_logits_mean_plus_bias_is_the_logits(torch_clf: ToneClassifier) -> None:
    ids, mask = _batch(torch_clf)
    logits, tokens = torch_clf.backend.logits_and_tokens(ids, mask)
    assert tokens is not None and tokens.shape == (*ids.shape, 4)
    np.testing.assert_allclose(logits, torch_clf.backend.logits(ids, mask), atol=1e-6)
    np.testing.assert_allclose(_masked_mean(tokens, mask) + _head_bias(torch_clf), logits,
                               atol=1e-5)


@pytest.mark.parametrize("name", [FP32_NAME, INT8_NAME])
def test_onnx_token_logits_mean_plus_bias_is_the_logits(exported: Path, name: str,
                                                        torch_clf: ToneClassifier) -> None:
    backend = OnnxBackend(exported / name)
    assert [o.name for o in backend.session.get_outputs()] == ["logits", TOKEN_LOGITS]
    ids, mask = _batch(torch_clf)
    logits, tokens = backend.logits_and_tokens(ids, mask)
    assert tokens is not None and tokens.shape == (*ids.shape, 4)  # dynamic batch and seq
    np.testing.assert_allclose(logits, backend.logits(ids, mask), atol=1e-6)
    # The head bias the classifier recovers from the ONNX outputs is the torch head's.
    bias = logits - _masked_mean(tokens, mask)
    tol = 1e-4 if name == FP32_NAME else 0.05
    np.testing.assert_allclose(bias, np.broadcast_to(_head_bias(torch_clf), bias.shape),
                               atol=tol)
    _, torch_tokens = torch_clf.backend.logits_and_tokens(ids, mask)
    assert torch_tokens is not None
    real = mask.astype(bool)
    assert np.abs(tokens[real] - torch_tokens[real]).max() < tol * 10


def test_classifier_evidence_strips_padding(torch_clf: ToneClassifier) -> None:
    inputs = [model_input(t, None) for t in TEXTS]
    logits, evidence = torch_clf.logits_and_evidence(inputs)
    assert evidence is not None and len(evidence) == len(TEXTS)
    np.testing.assert_allclose(logits, torch_clf.logits(inputs), atol=1e-5)
    bias = _head_bias(torch_clf)
    for inp, ev, row in zip(inputs, evidence, logits, strict=True):
        n = len(torch_clf.tokenizer(inp)["input_ids"])
        assert ev.token_logits.shape == (n, 4) and ev.offsets.shape == (n, 2)
        np.testing.assert_allclose(ev.token_logits.mean(axis=0) + bias, row, atol=1e-5)


def _strip_token_logits(path: Path) -> None:
    """Turn a new export into the old format: the same graph with `logits` as its only output."""
    import onnx

    model = onnx.load(str(path))
    keep = [o for o in model.graph.output if o.name == "logits"]
    del model.graph.output[:]
    model.graph.output.extend(keep)
    onnx.save(model, str(path))


def test_old_export_without_token_logits_is_stale(exported: Path, tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "old"
    shutil.copytree(exported, folder, ignore=shutil.ignore_patterns(FP32_NAME))
    _strip_token_logits(folder / INT8_NAME)
    with caplog.at_level("WARNING", logger="classifier.onnx_backend"):
        assert find_onnx(folder) is None
        auto = ToneClassifier.from_pretrained(folder)
    assert auto.backend.name == "torch"
    assert f"predates the {TOKEN_LOGITS} output" in caplog.text
    assert "toneguard export" in caplog.text
    with pytest.raises(FileNotFoundError, match="toneguard export"):
        ToneClassifier.from_pretrained(folder, backend="onnx")
    # Torch gives the spans the export would have: attribution, same labels and scores.
    new = ToneClassifier.from_pretrained(exported, backend="onnx")
    assert isinstance(new.backend, OnnxBackend)
    auto.thresholds = new.thresholds = np.zeros(4)  # flag everything so spans are asked
    for p, q in zip(auto.predict(TEXTS), new.predict(TEXTS), strict=True):
        assert p.labels == q.labels and p.scores == pytest.approx(q.scores, abs=0.05)
    # A plain `toneguard export` (no --force) writes it again, with the output.
    assert export_model(folder).seconds > 0.0
    assert find_onnx(folder) == folder / INT8_NAME
    backend = OnnxBackend(folder / INT8_NAME)
    assert [o.name for o in backend.session.get_outputs()] == ["logits", TOKEN_LOGITS]
