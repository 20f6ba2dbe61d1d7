"""What this CPU multiplies per second: ONNX Runtime fp32 MatMul against dynamic int8.

    python -m bench.gemm [--m 1024] [--threads N] [--repeats 20]

The encoder's cost is its matrix products, so whether int8 can pay off on a host comes
down to one number: int8 GEMM throughput over fp32's on the encoder's own shapes (tokens x
384 -> 1536 and back). VNNI or AMX CPUs multiply int8 several times faster; a plain AVX2
core (AMD EPYC Zen 1, say) does not, and then only a smaller model is faster. Prints a
table and writes bench/results/gemm.json.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import machine, table, write_result

logger = logging.getLogger(__name__)
SHAPES = ((384, 1536), (1536, 384), (384, 384))  # FFN up, FFN down, attention projection


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


def main(argv: list[str] | None = None) -> int:
    from classifier.onnx_backend import available_cores

    parser = argparse.ArgumentParser(prog="python -m bench.gemm", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--m", type=int, default=1024, help="rows (tokens in a batch)")
    parser.add_argument("--threads", type=int, default=None, help="default: all cores")
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    result = run(args.m, args.threads or available_cores(), args.repeats)
    print(f"{result['machine']['cpu']}, {result['threads']} threads (best of {args.repeats})")
    print(table(["product", "fp32 GFLOP/s", "int8 GOP/s", "int8 / fp32"],
                [[r["shape"], r["fp32_gflops"], r["int8_gops"], r["int8_over_fp32"]]
                 for r in result["rows"]]))
    print(f"written to {write_result('gemm', result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
