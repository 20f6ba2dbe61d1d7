"""int8 schemes for the exported graph, and the host timing that picks between them.

Two accurate schemes, because which one is faster depends on the CPU:

- "block": int8 weights and int8 compute with a scale per 32 values (MatMulNBits,
  accuracy level 4). Fast where the CPU has VNNI-class int8 dot products; on a plain
  AVX2 core (measured on an AMD EPYC Zen 1) it runs at half the speed of fp32.
- "rows": fp32 matrix products, int8 word embeddings with one scale per row. ORT's int8
  GEMM on plain AVX2 is no faster than its fp32 one, so here int8 only buys memory: the
  250k x 384 embedding table is 3/4 of the weights (384 MB in fp32, 96 MB in int8).

Both quantize the embedding table per row: ORT's own EmbedLayerNormalization quantizer
uses one scale for the whole table, and that alone moved probabilities by up to 0.06
and flipped 1% of the test split's flags; per row the gap stays under 0.03.

"tensor" (classic dynamic int8, one activation scale per tensor) is kept for the speed
comparison only: the fine-tuned model's activations have outliers, and it flips ~8%
of the flags. "auto" builds "block" and "rows", times both here, and keeps "rows" unless
"block" is at least `MIN_BLOCK_SPEEDUP` times faster: "rows" multiplies in fp32, so its
probabilities match the calibrated torch model (gap ~1e-4), while "block" moves them by up
to ~0.06, enough to flip a borderline flag. A choice made on timing noise would make the
shipped model's flags depend on the host's mood (seen: 0.223 vs 0.251 s per batch on an
AVX2 EPYC flipped one of 27 business-hours urgency messages of natural test).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

SCHEMES = ("auto", "block", "rows", "tensor")
# What each scheme writes into the graph's `toneguard.quantization` metadata.
SCHEME_TAGS = {"block": "int8-block32+emb-rows", "rows": "int8-emb-rows"}
AUTO_TAGS = frozenset(SCHEME_TAGS.values())
# "block" must beat the faithful "rows" by this factor to be kept (see the module docstring).
MIN_BLOCK_SPEEDUP = 1.25


def tag_for(scheme: str, per_channel: bool = True) -> str:
    if scheme in SCHEME_TAGS:
        return SCHEME_TAGS[scheme]
    if scheme == "tensor":
        return "int8-dynamic-per-channel" if per_channel else "int8-dynamic"
    raise ValueError(f"unknown quantization scheme {scheme!r}; use one of {SCHEMES}")


def quantize_embedding_rows(src: Path, dst: Path) -> None:
    """Replace the word-embedding Gather by an int8 table with one fp32 scale per row.

    Needs a graph fused without EmbedLayerNormalization (the fused op wants the fp32
    table as an input). Symmetric rounding: the error per value is at most half a step
    of its own row's scale, and a lookup stays a lookup (Gather, Cast, Mul).
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(src))
    inits = {i.name: i for i in model.graph.initializer}
    # The word table is the one looked up by the graph's input ids (positions and token
    # types are looked up by computed indices).
    gathers = [n for n in model.graph.node if n.op_type == "Gather" and n.input[0] in inits
               and n.input[1] == "input_ids" and len(inits[n.input[0]].dims) == 2]
    if len(gathers) != 1:
        raise ValueError(f"expected one word-embedding Gather in {src}, found {len(gathers)}")
    node = gathers[0]
    table, ids, out = node.input[0], node.input[1], node.output[0]
    weights = numpy_helper.to_array(inits[table]).astype(np.float32)
    scale = np.maximum(np.abs(weights).max(axis=1, keepdims=True), 1e-12) / 127.0
    q = np.clip(np.round(weights / scale), -127, 127).astype(np.int8)
    model.graph.initializer.remove(inits[table])
    model.graph.initializer.extend([numpy_helper.from_array(q, f"{table}_int8"),
                                    numpy_helper.from_array(scale.astype(np.float32),
                                                            f"{table}_row_scale")])
    at = list(model.graph.node).index(node)
    model.graph.node.remove(node)
    replacement = [
        helper.make_node("Gather", [f"{table}_int8", ids], [f"{out}_int8"],
                         name="WordEmbeddingInt8/Gather", axis=0),
        helper.make_node("Cast", [f"{out}_int8"], [f"{out}_unscaled"],
                         name="WordEmbeddingInt8/Cast", to=TensorProto.FLOAT),
        helper.make_node("Gather", [f"{table}_row_scale", ids], [f"{out}_scale"],
                         name="WordEmbeddingInt8/Scale", axis=0),
        helper.make_node("Mul", [f"{out}_unscaled", f"{out}_scale"], [out],
                         name="WordEmbeddingInt8/Mul"),
    ]
    for k, new in enumerate(replacement):
        model.graph.node.insert(at + k, new)
    onnx.save(model, str(dst))


def quantize_blocks(src: Path, dst: Path) -> None:
    """int8 weights and int8 compute in blocks of 32 along each row (MatMulNBits)."""
    import onnx
    from onnxruntime.quantization.matmul_nbits_quantizer import (
        DefaultWeightOnlyQuantConfig,
        MatMulNBitsQuantizer,
    )

    logging.getLogger("onnxruntime.quantization.matmul_nbits_quantizer").setLevel(logging.WARNING)
    cfg = DefaultWeightOnlyQuantConfig(block_size=32, is_symmetric=True, accuracy_level=4, bits=8)
    quantizer = MatMulNBitsQuantizer(onnx.load(str(src)), bits=8, block_size=32,
                                     is_symmetric=True, accuracy_level=4, algo_config=cfg)
    quantizer.process()
    quantizer.model.save_model_to_file(str(dst), False)


def quantize_tensor(src: Path, dst: Path, per_channel: bool,
                    op_types: list[str] | None = None) -> None:
    """Classic dynamic int8: per-tensor activation scales (fast with VNNI, inaccurate here).

    The reply encoder uses it whole (its cosine ranking tolerates it); `op_types` limits
    it to the products when the embeddings are already int8 per row.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Fused Attention nodes (com.microsoft) defeat shape inference downstream: outputs
    # without an inferred type are float32.
    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8, per_channel=per_channel,
                     op_types_to_quantize=op_types,
                     extra_options={"MatMulConstBOnly": True,
                                    "DefaultTensorType": onnx.TensorProto.FLOAT})


def seconds_per_batch(path: Path, threads: int | None = None, batch: int = 16,
                      width: int = 64, repeats: int = 3) -> float:
    """Best-of-`repeats` wall time of one padded batch: what the service's batcher runs."""
    from classifier.onnx_backend import OnnxBackend

    backend = OnnxBackend(path, threads=threads)
    rng = np.random.default_rng(0)
    ids = rng.integers(5, 100, size=(batch, width), dtype=np.int64)  # valid in any vocabulary
    mask = np.ones_like(ids)
    backend.logits(ids, mask)  # first run allocates arenas and picks kernels
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        backend.logits(ids, mask)
        best = min(best, time.perf_counter() - start)
    return best


def choose_scheme(timings: dict[str, float], faithful: str = "rows",
                  min_speedup: float | None = None) -> str:
    """The `faithful` scheme unless another is at least `min_speedup` times faster."""
    speedup = MIN_BLOCK_SPEEDUP if min_speedup is None else min_speedup
    fastest = min(timings, key=lambda s: timings[s])
    if faithful in timings and timings[fastest] * speedup > timings[faithful]:
        return faithful
    return fastest


def pick_fastest(candidates: dict[str, Path]) -> tuple[str, dict[str, float]]:
    """Time every candidate graph on this machine and choose by `choose_scheme`."""
    timings = {scheme: seconds_per_batch(path) for scheme, path in candidates.items()}
    best = choose_scheme(timings)
    logger.info("int8 schemes timed here (s per batch of 16 x 64): %s; keeping %s",
                {k: round(v, 3) for k, v in timings.items()}, best)
    return best, timings
