"""int8 schemes: per-row embeddings stay close to fp32, every scheme exports and agrees,
and "auto" keeps the scheme it timed fastest on this machine."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import numpy as np
import onnx
import pytest

from classifier.model import ToneClassifier
from classifier.onnx_backend import INT8_NAME, OnnxBackend, read_metadata
from training.export import _export_fp32, _fuse, _stamp, export_model
from training.quantize import AUTO_TAGS, choose_scheme, quantize_embedding_rows, tag_for

TEXTS = ["Hello, where is my order? Answer me now!",
         "Вы идиоты, я подам в суд. Верните деньги сегодня.",
         "Guten Tag, wo bleibt meine Bestellung?", "ok"]
WHEN = datetime.fromisoformat("2025-03-08T23:40:00+00:00")


@pytest.fixture()
def model_copy(tiny_classifier_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    shutil.copytree(tiny_classifier_dir, folder, ignore=shutil.ignore_patterns("*.onnx"))
    return folder


def test_row_quantized_embeddings_replace_the_fp32_table(model_copy: Path, tmp_path: Path) -> None:
    clf = ToneClassifier.from_pretrained(model_copy, backend="torch")
    cfg = clf.net.encoder.config
    raw, fused, rows = (tmp_path / n for n in ("raw.onnx", "fused.onnx", "rows.onnx"))
    _export_fp32(clf.net, clf.tokenizer, raw)
    _fuse(raw, fused, int(cfg.num_attention_heads), int(cfg.hidden_size), embed_layer_norm=False)
    quantize_embedding_rows(fused, rows)
    graph = onnx.load(str(rows))
    tables = {i.name: i for i in graph.graph.initializer}
    word = [n for n in tables if n.endswith("_int8")]
    assert len(word) == 1 and tables[word[0]].data_type == onnx.TensorProto.INT8
    assert list(tables[word[0]].dims) == [cfg.vocab_size, cfg.hidden_size]
    assert not any(list(t.dims) == [cfg.vocab_size, cfg.hidden_size] and
                   t.data_type == onnx.TensorProto.FLOAT for t in tables.values())
    enc = clf.tokenizer(TEXTS, padding=True, return_tensors="np")
    ids, mask = enc["input_ids"].astype(np.int64), enc["attention_mask"].astype(np.int64)
    exact = OnnxBackend(fused).logits(ids, mask)
    approx = OnnxBackend(rows).logits(ids, mask)
    assert np.abs(exact - approx).max() < 0.05 * max(1.0, float(np.abs(exact).max()))


def test_a_graph_without_a_word_table_is_refused(tmp_path: Path) -> None:
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])
    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "g", [x],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
    onnx.save(helper.make_model(graph), str(tmp_path / "g.onnx"))
    with pytest.raises(ValueError, match="word-embedding Gather"):
        quantize_embedding_rows(tmp_path / "g.onnx", tmp_path / "out.onnx")


@pytest.mark.parametrize("scheme", ["rows", "block", "tensor"])
def test_every_scheme_exports_a_stamped_graph_that_agrees(model_copy: Path, scheme: str) -> None:
    export_model(model_copy, scheme=scheme)
    meta = read_metadata(model_copy / INT8_NAME)
    assert meta["toneguard.quantization"] == tag_for(scheme)
    fast = ToneClassifier.from_pretrained(model_copy, backend="onnx")
    slow = ToneClassifier.from_pretrained(model_copy, backend="torch")
    gap = np.abs(fast.predict_proba(TEXTS, sent_at=WHEN) - slow.predict_proba(TEXTS, sent_at=WHEN))
    assert gap.max() < 0.03


def test_auto_keeps_the_faithful_scheme_unless_block_is_clearly_faster() -> None:
    assert choose_scheme({"rows": 0.251, "block": 0.223}) == "rows"  # timing noise
    assert choose_scheme({"rows": 0.77, "block": 1.56}) == "rows"
    assert choose_scheme({"rows": 0.50, "block": 0.30}) == "block"
    assert choose_scheme({"rows": 0.50, "block": 0.45}, min_speedup=1.0) == "block"
    assert choose_scheme({"block": 0.2}) == "block"


def test_auto_keeps_the_scheme_its_timings_choose(model_copy: Path) -> None:
    export_model(model_copy)  # scheme="auto"
    meta = read_metadata(model_copy / INT8_NAME)
    timings = json.loads(meta["toneguard.scheme_timings"])
    assert set(timings) == {"block", "rows"} and all(t > 0 for t in timings.values())
    assert meta["toneguard.quantization"] == tag_for(choose_scheme(timings))
    assert meta["toneguard.quantization"] in AUTO_TAGS
    # Up to date: a second auto export keeps the file; an explicit other scheme rebuilds it.
    assert export_model(model_copy).seconds == 0.0
    other = "block" if meta["toneguard.quantization"] == tag_for("rows") else "rows"
    assert export_model(model_copy, scheme=other).seconds > 0
    assert read_metadata(model_copy / INT8_NAME)["toneguard.quantization"] == tag_for(other)


def test_an_auto_graph_chosen_by_an_earlier_rule_is_rebuilt(model_copy: Path) -> None:
    """A graph that "the faster wins" picked on noise (block 11% faster) is not kept."""
    export_model(model_copy, scheme="block")
    _stamp(model_copy / INT8_NAME,
           {"toneguard.scheme_timings": json.dumps({"rows": 0.251, "block": 0.223})})
    assert export_model(model_copy).seconds > 0
    meta = read_metadata(model_copy / INT8_NAME)
    assert meta["toneguard.quantization"] == tag_for(choose_scheme(
        json.loads(meta["toneguard.scheme_timings"])))


def test_unknown_scheme_is_a_clear_error(model_copy: Path) -> None:
    with pytest.raises(ValueError, match="unknown quantization scheme"):
        export_model(model_copy, scheme="fp8")
