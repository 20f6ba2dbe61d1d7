"""The ONNX Runtime backend agrees with torch, is chosen automatically, and never runs stale.

Fast tests export the tiny random classifier (a copy: the session fixture is shared);
the slow test exports the shipped model and compares on the whole test split.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from classifier.config import WEIGHTS_NAME
from classifier.model import ToneClassifier
from classifier.onnx_backend import INT8_NAME, META_FINGERPRINT, OnnxBackend, read_metadata
from training.export import export_model

TEXTS = [
    "Hello, where is my order? Answer me now!",
    "Вы идиоты, я подам в суд и напишу отзывы везде. Верните деньги сегодня.",
    "Guten Tag, wo bleibt meine Bestellung?",
    "Dzień dobry, gdzie jest moje zamówienie? " * 6,
    "ok",
]
REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "models" / "toneguard-e5-small"
TEST_SPLIT = REPO / "data" / "corpus" / "test.jsonl"


@pytest.fixture(scope="module")
def exported(tiny_classifier_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("onnx") / "model"
    shutil.copytree(tiny_classifier_dir, folder)
    export_model(folder)
    return folder


def test_export_writes_a_stamped_int8_graph(exported: Path) -> None:
    path = exported / INT8_NAME
    assert path.is_file()
    meta = read_metadata(path)
    assert meta["toneguard.quantization"].startswith("int8")
    assert len(meta[META_FINGERPRINT]) == 64


def test_auto_picks_onnx_and_agrees_with_torch(exported: Path) -> None:
    fast = ToneClassifier.from_pretrained(exported)
    torch_clf = ToneClassifier.from_pretrained(exported, backend="torch")
    assert fast.backend.name == "onnx-int8"
    assert fast.net is None  # the torch network is not loaded at all
    assert torch_clf.backend.name == "torch"
    when = datetime.fromisoformat("2025-03-08T23:40:00+00:00")
    p_fast = fast.predict_proba(TEXTS, sent_at=when)
    p_torch = torch_clf.predict_proba(TEXTS, sent_at=when)
    assert p_fast.shape == (len(TEXTS), 4)
    assert np.abs(p_fast - p_torch).max() < 0.03
    preds = fast.predict(TEXTS, sent_at=when)
    assert [p.text for p in preds] == TEXTS


def test_padding_in_a_batch_barely_moves_int8_results(exported: Path) -> None:
    """Micro-batching pads short messages next to long ones; results must not depend on it."""
    fast = ToneClassifier.from_pretrained(exported, backend="onnx")
    alone = np.stack([fast.predict_proba(t) for t in TEXTS])
    together = fast.predict_proba(TEXTS)
    assert np.abs(alone - together).max() < 0.03


def test_fp32_export_matches_torch_closely(tiny_classifier_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(tiny_classifier_dir, folder)
    result = export_model(folder, quantize=False)
    assert result.path.name == "model.onnx"
    assert result.max_prob_diff < 1e-4
    backend = ToneClassifier.from_pretrained(folder).backend
    assert isinstance(backend, OnnxBackend) and backend.name == "onnx-fp32"


def test_up_to_date_export_is_skipped(exported: Path) -> None:
    before = (exported / INT8_NAME).stat().st_mtime_ns
    result = export_model(exported)
    assert result.seconds == 0.0
    assert (exported / INT8_NAME).stat().st_mtime_ns == before


def test_stale_export_falls_back_to_torch(exported: Path, tmp_path: Path) -> None:
    from safetensors.torch import load_file, save_file

    folder = tmp_path / "retrained"
    shutil.copytree(exported, folder)
    weights = load_file(str(folder / WEIGHTS_NAME))
    head = next(k for k in weights if k.startswith("head."))
    weights[head] = weights[head] + 0.5
    save_file(weights, str(folder / WEIGHTS_NAME), metadata={"format": "pt"})
    assert ToneClassifier.from_pretrained(folder).backend.name == "torch"
    with pytest.raises(FileNotFoundError, match="toneguard export"):
        ToneClassifier.from_pretrained(folder, backend="onnx")


def test_missing_export_with_onnx_backend_is_a_clear_error(tiny_classifier_dir: Path) -> None:
    with pytest.raises(FileNotFoundError, match="toneguard export"):
        ToneClassifier.from_pretrained(tiny_classifier_dir, backend="onnx")


@pytest.mark.slow
@pytest.mark.skipif(not (SHIPPED / WEIGHTS_NAME).is_file(), reason="shipped model not trained")
def test_shipped_model_int8_agrees_with_torch_on_the_test_split(tmp_path: Path) -> None:
    folder = SHIPPED
    if ToneClassifier.from_pretrained(SHIPPED).backend.name != "onnx-int8":
        folder = tmp_path / "model"  # export a copy; never write into the tracked folder here
        shutil.copytree(SHIPPED, folder, ignore=shutil.ignore_patterns("*.onnx"))
        export_model(folder)
    rows = [json.loads(line) for line in TEST_SPLIT.read_text().splitlines() if line.strip()]
    texts = [r["text"] for r in rows]
    sent = [datetime.fromisoformat(r["sent_at"]) if r.get("sent_at") else None for r in rows]
    fast = ToneClassifier.from_pretrained(folder, backend="onnx")
    slow = ToneClassifier.from_pretrained(folder, backend="torch")
    p_fast = fast.predict_proba(texts, sent_at=sent)
    p_slow = slow.predict_proba(texts, sent_at=sent)
    gap = np.abs(p_fast - p_slow)
    same_flags = ((p_fast >= fast.thresholds) == (p_slow >= slow.thresholds)).all(axis=1)
    # Issue 8: the same flags on >= 98% of the split, probabilities within 0.03. Measured
    # on the shipped model (512 test messages): "rows" (picked on plain AVX2) 100% same
    # flags and every probability within 0.03; "block" (picked with VNNI) 99.6% same
    # flags, 97.9% of messages with all four within 0.03 (README, performance section).
    assert same_flags.mean() >= 0.98, f"same flags on {same_flags.mean():.3f}"
    assert np.mean(gap <= 0.03) >= 0.98, f"probabilities within 0.03: {np.mean(gap <= 0.03):.3f}"
    assert float(np.median(gap)) < 0.005

def _torch_embeddings(base: Path, texts: list[str]) -> np.ndarray:
    import torch
    from transformers import AutoTokenizer

    from classifier.network import load_encoder, mean_pool

    tok = AutoTokenizer.from_pretrained(str(base))
    enc = tok(["query: " + t for t in texts], padding=True, truncation=True,
              max_length=min(256, tok.model_max_length), return_tensors="pt")
    with torch.inference_mode():
        hidden = load_encoder(base).eval()(**enc).last_hidden_state
        pooled = mean_pool(hidden, enc["attention_mask"])
    return torch.nn.functional.normalize(pooled, dim=-1).numpy()


def test_int8_reply_encoder_matches_torch_embeddings(tiny_base_dir: Path, tmp_path: Path) -> None:
    from transformers import AutoTokenizer

    from classifier.onnx_backend import OnnxEncoder
    from training.export import export_encoder

    base = tmp_path / "base"
    shutil.copytree(tiny_base_dir, base)
    path = export_encoder(base)
    encoder = OnnxEncoder(path, AutoTokenizer.from_pretrained(str(base)))
    got = encoder.encode(TEXTS)
    want = _torch_embeddings(base, TEXTS)
    assert got.shape == want.shape
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-4)
    assert (got * want).sum(axis=1).min() > 0.99
    assert export_encoder(base) == path  # reused, not rebuilt


@pytest.mark.slow
def test_real_int8_reply_encoder_keeps_e5_similarities(base_model_dir: Path) -> None:
    """Cosine to the fp32 encoder stays >= 0.98, so template ranking barely moves."""
    from transformers import AutoTokenizer

    from classifier.onnx_backend import OnnxEncoder, encoder_path
    from training.export import export_encoder

    path = encoder_path(base_model_dir)
    if not path.is_file():
        path = export_encoder(base_model_dir)
    encoder = OnnxEncoder(path, AutoTokenizer.from_pretrained(str(base_model_dir)))
    got = encoder.encode(TEXTS)
    want = _torch_embeddings(base_model_dir, TEXTS)
    assert (got * want).sum(axis=1).min() > 0.98
