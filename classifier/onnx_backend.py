"""ONNX Runtime backend: the exported, fused, int8-quantized network behind the same seam.

`toneguard export` (training/export.py) writes `model-int8.onnx` into the model folder,
stamped with a fingerprint of the weights it came from. `ToneClassifier.from_pretrained`
asks `load_onnx_backend` first ("auto") and falls back to torch when no up-to-date graph
exists, so a retrained folder never runs a stale export.

The session is tuned for a small CPU box: one intra-op thread per available core, no
inter-op parallelism, all graph optimizations, and no busy-waiting between runs, because
the same cores also serve HTTP, tokenize and run the database.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

from classifier.base_model import QUERY_PREFIX
from classifier.config import CONFIG_NAME, WEIGHTS_NAME

logger = logging.getLogger(__name__)

INT8_NAME = "model-int8.onnx"
ENCODER_NAME = "encoder-int8.onnx"  # the plain base encoder (mean-pooled, L2-normalised)
FP32_NAME = "model.onnx"
ONNX_FORMAT = "toneguard-onnx/1"
META_FORMAT = "toneguard.format"
META_FINGERPRINT = "toneguard.weights_sha256"
TOKEN_LOGITS = "token_logits"  # second graph output (see ToneNet.with_token_logits)


def available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def weights_fingerprint(folder: Path) -> str:
    """What the graph depends on: the fine-tuned weights, the base and the adapter spec."""
    h = hashlib.sha256()
    with open(folder / WEIGHTS_NAME, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    config = json.loads((folder / CONFIG_NAME).read_text())
    graph_keys = {k: config.get(k) for k in ("base_model", "adapter", "labels", "pooling")}
    h.update(json.dumps(graph_keys, sort_keys=True).encode())
    return h.hexdigest()


def _read_graph(path: Path) -> tuple[dict[str, str], set[str]]:
    """The graph's metadata and output names, from one read of the file."""
    import onnx

    model = onnx.load(str(path), load_external_data=False)
    return {p.key: p.value for p in model.metadata_props}, {o.name for o in model.graph.output}


def read_metadata(path: Path) -> dict[str, str]:
    return _read_graph(path)[0]


def _stale_reason(path: Path, fingerprint: str) -> str | None:
    """Why the graph at `path` must not run for weights `fingerprint`, or None when current."""
    meta, outputs = _read_graph(path)
    if meta.get(META_FINGERPRINT) != fingerprint:
        return "was exported from other weights"
    if TOKEN_LOGITS not in outputs:
        return f"predates the {TOKEN_LOGITS} output"
    return None


def find_onnx(folder: Path, prefer: str | None = None) -> Path | None:
    """The up-to-date exported graph in `folder` (int8 first), or None.

    Up to date means: exported from these weights, with the `token_logits` output that
    spans come from; anything else is ignored (torch runs) until `toneguard export`.
    """
    names = [INT8_NAME, FP32_NAME]
    if prefer in names:
        names = [prefer]
    fingerprint: str | None = None
    for name in names:
        path = folder / name
        if not path.is_file():
            continue
        fingerprint = fingerprint or weights_fingerprint(folder)
        reason = _stale_reason(path, fingerprint)
        if reason is None:
            return path
        logger.warning("%s %s; ignoring it (run `toneguard export --model %s`)",
                       path, reason, folder)
    return None


class OnnxBackend:
    """`Backend.logits` and token logits on an ORT CPU session."""

    def __init__(self, path: str | Path, threads: int | None = None, spin: bool = False) -> None:
        import onnxruntime as ort

        self.path = Path(path)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or available_cores()
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Spinning threads burn the cores the event loop and tokenizer need between batches.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
        self.session = ort.InferenceSession(str(self.path), opts,
                                            providers=["CPUExecutionProvider"])
        meta = self.session.get_modelmeta().custom_metadata_map
        self.metadata: dict[str, str] = dict(meta)
        quant = self.metadata.get("toneguard.quantization", "none")
        self.name = "onnx-int8" if quant.startswith("int8") else "onnx-fp32"
        self._inputs = {i.name for i in self.session.get_inputs()}

    def _feed(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> dict[str, np.ndarray]:
        feed = {"input_ids": input_ids.astype(np.int64, copy=False),
                "attention_mask": attention_mask.astype(np.int64, copy=False)}
        return {k: v for k, v in feed.items() if k in self._inputs}

    def logits(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        out = self.session.run(["logits"], self._feed(input_ids, attention_mask))
        return np.asarray(out[0], dtype=np.float32)

    def logits_and_tokens(self, input_ids: np.ndarray, attention_mask: np.ndarray,
                          ) -> tuple[np.ndarray, np.ndarray]:
        logits, tokens = self.session.run(["logits", TOKEN_LOGITS],
                                          self._feed(input_ids, attention_mask))
        return np.asarray(logits, dtype=np.float32), np.asarray(tokens, dtype=np.float32)


def load_onnx_backend(folder: Path, threads: int | None = None) -> OnnxBackend | None:
    """An ONNX backend for the model folder when an up-to-date export exists."""
    path = find_onnx(folder)
    if path is None:
        return None
    backend = OnnxBackend(path, threads=threads)
    logger.info("using %s backend from %s", backend.name, path)
    return backend


def encoder_path(base_dir: Path | None = None) -> Path:
    """Where `toneguard export` puts the int8 base encoder: next to the converted base."""
    if base_dir is None:
        from classifier.base_model import ensure_base_model

        base_dir = Path(ensure_base_model())
    return Path(base_dir) / ENCODER_NAME


class OnnxEncoder:
    """Sentence embeddings from the int8 base encoder, on a tokenizer the caller may share.

    A drop-in for the reply matcher's sentence-transformers encoder (same mean pooling and
    normalisation, `prefix` prepended), at a fraction of its memory: the fp32 weights
    (~470 MB) and a second copy of the 250k-piece tokenizer (~300 MB) are not loaded.
    """

    def __init__(self, path: Path, tokenizer: Any, prefix: str = QUERY_PREFIX,
                 max_length: int = 256, batch_size: int = 32,
                 threads: int | None = None) -> None:
        self.backend = OnnxBackend(path, threads=threads)
        self.tokenizer = tokenizer
        limit = int(getattr(tokenizer, "model_max_length", max_length) or max_length)
        self.prefix, self.max_length, self.batch_size = prefix, min(max_length, limit), batch_size
        self.name = f"e5-onnx-int8:{Path(path).resolve()}"

    def encode(self, texts: list[str]) -> np.ndarray:
        tok = self.tokenizer
        out = []
        for i in range(0, len(texts), self.batch_size):
            enc = tok([self.prefix + t for t in texts[i : i + self.batch_size]],
                      truncation=True, max_length=self.max_length, padding=True,
                      return_tensors="np")
            out.append(self.backend.logits(enc["input_ids"], enc["attention_mask"]))
        if not out:
            return np.zeros((0, 0), dtype=np.float32)
        return np.concatenate(out).astype(np.float32)


def load_onnx_encoder(tokenizer: Any) -> OnnxEncoder | None:
    """The int8 reply encoder on a shared tokenizer, when `toneguard export` has built it."""
    if tokenizer is None:
        return None
    path = encoder_path()
    if not path.is_file():
        return None
    logger.info("reply encoder: %s (int8, shared tokenizer)", path)
    return OnnxEncoder(path, tokenizer)
