"""What this CPU multiplies per second: ONNX Runtime fp32 MatMul against dynamic int8.

    python -m bench.gemm [--m 1024] [--threads N] [--repeats 20] [--tokens T]

The encoder's cost is its matrix products, so whether int8 can pay off on a host comes
down to one number: int8 GEMM throughput over fp32's on the encoder's own shapes (tokens x
384 -> 1536 and back). VNNI or AMX CPUs multiply int8 several times faster; a plain AVX2
core (AMD EPYC Zen 1, say) does not, and then only a smaller model is faster. From the
same rates it prints the ceiling: messages per second an encoder of 12, 4 or 2 layers could
reach if it did nothing but its products at the faster of fp32 and int8, at the test split's
mean input length (`--tokens` to set it). Writes bench/results/gemm.json.
"""

from __future__ import annotations

import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from bench.common import machine, table, write_result
from classifier.scripts import run_command

SHAPES = ((384, 1536), (1536, 384), (384, 384))  # FFN up, FFN down, attention projection
HIDDEN = 384
PRODUCTS_PER_LAYER = {(384, 1536): 1, (1536, 384): 1, (384, 384): 4}  # Q, K, V, output
CEILING_LAYERS = (12, 4, 2)


def _graph(k: int, n: int, folder: Path) -> tuple[Path, Path]:
    """A one-MatMul fp32 graph and its dynamic-int8 quantization (as `toneguard export`)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from onnxruntime.quantization import QuantType, quantize_dynamic

    w = np.random.default_rng(0).standard_normal((k, n)).astype(np.float32) * 0.05
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])], "gemm",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, n])],
        [numpy_helper.from_array(w, "w")])
    fp32, int8 = folder / f"mm-{k}x{n}.onnx", folder / f"mm-{k}x{n}-int8.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(fp32))
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
    return fp32, int8


def _gops(path: Path, x: np.ndarray, n: int, threads: int, repeats: int) -> float:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    session.run(None, {"x": x})
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        session.run(None, {"x": x})
        best = min(best, time.perf_counter() - start)
    return 2 * x.shape[0] * x.shape[1] * n / best / 1e9


def mean_input_tokens(model_dir: Path | None = None) -> float:
    """Mean token count of the test split as the model reads it: cleaned, prefix included."""
    from bench.common import SHIPPED_MODEL, test_messages
    from classifier.config import ModelConfig
    from classifier.email_cleanup import clean_message
    from classifier.model import load_tokenizer, resolve_base_dir

    folder = model_dir or SHIPPED_MODEL
    config = ModelConfig.load(folder)
    tokenizer = load_tokenizer(resolve_base_dir(config, folder))
    texts = [config.model_input(clean_message(r["text"]).text, None)
             for r in test_messages(None)]
    ids = tokenizer(texts, truncation=True, max_length=config.max_length)["input_ids"]
    return sum(len(x) for x in ids) / len(ids)


def ceiling(rows: list[dict[str, Any]], tokens: float) -> list[dict[str, Any]]:
    """Upper bound on messages per second: only the products, each at its best measured rate.

    Attention scores (QK^T and the weighted sum, 4 * tokens * hidden per token) run at the
    slowest measured rate; layer norms, softmax and the tokenizer are left out, so real
    figures sit below this.
    """
    best = {tuple(int(d) for d in r["shape"].split(" @ ")[1].split("x")):
            max(r["fp32_gflops"], r["int8_gops"]) * 1e9 for r in rows}
    scores = 4 * tokens * HIDDEN  # per token and layer
    flops = sum(c * 2 * k * n for (k, n), c in PRODUCTS_PER_LAYER.items()) + scores
    seconds = (sum(c * 2 * k * n / best[(k, n)] for (k, n), c in PRODUCTS_PER_LAYER.items())
               + scores / min(best.values()))
    return [{"layers": layers, "tokens": round(tokens, 1),
             "gflop_per_message": round(layers * tokens * flops / 1e9, 2),
             "max_msg_per_s": round(1 / (layers * tokens * seconds), 1)}
            for layers in CEILING_LAYERS]


def run(m: int, threads: int, repeats: int) -> dict[str, Any]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="toneguard-gemm-") as tmp:
        for k, n in SHAPES:
            fp32, int8 = _graph(k, n, Path(tmp))
            x = np.random.default_rng(1).standard_normal((m, k)).astype(np.float32)
            a, b = _gops(fp32, x, n, threads, repeats), _gops(int8, x, n, threads, repeats)
            rows.append({"shape": f"{m}x{k} @ {k}x{n}", "fp32_gflops": round(a, 1),
                         "int8_gops": round(b, 1), "int8_over_fp32": round(b / a, 2)})
    return {"bench": "gemm", "machine": machine(), "threads": threads, "rows": rows}


def cli(
    m: Annotated[int, typer.Option("--m", help="rows (tokens in a batch)")] = 1024,
    threads: Annotated[int | None, typer.Option(help="default: all cores")] = None,
    repeats: Annotated[int, typer.Option()] = 20,
    tokens: Annotated[float | None, typer.Option(
        help="mean input length for the ceiling (default: the test split's)")] = None,
) -> int:
    from classifier.onnx_backend import available_cores

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    result = run(m, threads or available_cores(), repeats)
    result["ceiling"] = ceiling(result["rows"], tokens or mean_input_tokens())
    print(f"{result['machine']['cpu']}, {result['threads']} threads (best of {repeats})")
    print(table(["product", "fp32 GFLOP/s", "int8 GOP/s", "int8 / fp32"],
                [[r["shape"], r["fp32_gflops"], r["int8_gops"], r["int8_over_fp32"]]
                 for r in result["rows"]]))
    print(table(["encoder layers", "mean tokens", "GFLOP per message", "ceiling msg/s"],
                [[c["layers"], c["tokens"], c["gflop_per_message"], c["max_msg_per_s"]]
                 for c in result["ceiling"]]))
    print(f"written to {write_result('gemm', result)}")
    return 0


if __name__ == "__main__":
    sys.exit(run_command(cli, None, "python -m bench.gemm", __doc__))
