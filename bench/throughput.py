"""Model throughput on 512 test-split messages: torch fp32 batch 1 vs batched vs ONNX int8.

    python -m bench.throughput [--model DIR] [--n 512] [--threads N]

All variants run the same `ToneClassifier.predict_proba` pipeline (e-mail clean-up, time
marker, tokenization, forward pass, calibration; no spans) on the same messages, so
only the backend and the batch size differ:

- baseline: plain transformers fp32 (the BertModel with LoRA merged + the linear head,
  torch eager) called one message at a time;
- torch batched: the same network, length-sorted padded batches of 32;
- onnx int8 (shipped): the fused graph `toneguard export` wrote, in the scheme it picked
  for this CPU by timing (training/quantize.py), same batches;
- the other int8 schemes, each exported into a temp copy of the folder (`--schemes`,
  default block,rows,tensor; the shipped one is not repeated; `--schemes ""` skips them):
  block (int8 compute, a scale per 32 values), rows (fp32 products, int8 embeddings),
  tensor (one activation scale per tensor: fast with VNNI, but it flips flags).
- torch bf16: the torch network in bfloat16 (`TONEGUARD_BACKEND=torch-bf16`), fast where
  the CPU has AMX, slow elsewhere (`--no-bf16` skips it).
- reference: for a distilled student (`toneguard train --method student --teacher ...`),
  its teacher in plain transformers fp32 at batch 1 as well (`--reference DIR`; by default
  the teacher its config names), so the table shows the speed-up over the model it
  replaces next to the speed-up of the backends alone, and how often the two agree.

Prints a table and writes bench/results/throughput.json. Exports the model first when
no up-to-date `model-int8.onnx` exists.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import (
    REPO_ROOT,
    SHIPPED_MODEL,
    machine,
    parse_sent_at,
    table,
    test_messages,
    write_result,
)
from training.quantize import tag_for

logger = logging.getLogger(__name__)


def _timed(fn: Callable[[], np.ndarray]) -> tuple[np.ndarray, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def _scheme_variant(model_dir: Path, like: Any, threads: int, scheme: str) -> Any:
    """The same weights exported with another int8 scheme, in a temp copy of the folder."""
    import shutil
    import tempfile

    from classifier.model import ToneClassifier
    from classifier.onnx_backend import INT8_NAME, OnnxBackend
    from training.export import export_model

    tmp = Path(tempfile.mkdtemp(prefix=f"toneguard-{scheme}-int8-"))
    for name in ("config.json", "model.safetensors", "README.md"):
        if (model_dir / name).exists():
            shutil.copy(model_dir / name, tmp / name)
    base = like.config.base_model.get("path")
    if base:
        shutil.copytree(model_dir / base, tmp / base)
    export_model(tmp, scheme=scheme)
    backend = OnnxBackend(tmp / INT8_NAME, threads=threads)
    return ToneClassifier(None, like.tokenizer, like.config, backend=backend, folder=tmp)


def reference_for(model_dir: Path) -> Path | None:
    """The teacher a distilled model names in its config, when that folder is here."""
    from classifier.config import ModelConfig

    distill = ModelConfig.load(model_dir).training.get("distillation")
    if not isinstance(distill, dict) or not distill.get("teacher_dir"):
        return None
    folder = Path(distill["teacher_dir"])
    folder = folder if folder.is_absolute() else REPO_ROOT / folder  # as trained, in the repo
    return folder if (folder / "config.json").is_file() else None


def run(model_dir: Path, n: int, threads: int | None,
        schemes: tuple[str, ...] = ("block", "rows", "tensor"), bf16: bool = True,
        reference: Path | None = None) -> dict[str, Any]:
    import torch

    from classifier.model import ToneClassifier
    from classifier.onnx_backend import INT8_NAME, available_cores, find_onnx
    from training.export import export_model

    info = machine()
    threads = threads or available_cores()
    torch.set_num_threads(threads)
    if find_onnx(model_dir, prefer=INT8_NAME) is None:
        logger.warning("no up-to-date ONNX export in %s; exporting it now", model_dir)
        export_model(model_dir)
    rows = test_messages(n)
    texts = [r["text"] for r in rows]
    sent = [parse_sent_at(r.get("sent_at")) for r in rows]
    torch_clf = ToneClassifier.from_pretrained(model_dir, backend="torch")
    onnx_clf = ToneClassifier.from_pretrained(model_dir, backend="onnx")
    from classifier.onnx_backend import OnnxBackend

    if isinstance(onnx_clf.backend, OnnxBackend):
        onnx_clf.backend = OnnxBackend(onnx_clf.backend.path, threads=threads)
    # Warm-up: first calls allocate arenas and pick kernels.
    torch_clf.predict_proba(texts[:8], sent_at=sent[:8])
    onnx_clf.predict_proba(texts[:8], sent_at=sent[:8])

    def one_by_one() -> np.ndarray:
        return np.stack([torch_clf.predict_proba(t, sent_at=s) for t, s in
                         zip(texts, sent, strict=True)])

    ref: tuple[str, float, np.ndarray, np.ndarray] | None = None
    if reference is not None:
        ref_clf = ToneClassifier.from_pretrained(reference, backend="torch")
        ref_clf.predict_proba(texts[:8], sent_at=sent[:8])
        ref_p, ref_s = _timed(lambda: np.stack([ref_clf.predict_proba(t, sent_at=s) for t, s in
                                                zip(texts, sent, strict=True)]))
        ref = (f"reference {ref_clf.name}: transformers fp32, batch 1", ref_s, ref_p,
               ref_p >= ref_clf.thresholds)
        del ref_clf
    base_p, base_s = _timed(one_by_one)
    torch_p, torch_s = _timed(lambda: torch_clf.predict_proba(texts, sent_at=sent))
    onnx_p, onnx_s = _timed(lambda: onnx_clf.predict_proba(texts, sent_at=sent))
    shipped = (onnx_clf.backend.metadata.get("toneguard.quantization", "?")
               if isinstance(onnx_clf.backend, OnnxBackend) else "torch fallback")
    runs = [("transformers fp32, batch 1 (baseline)", base_s, base_p),
            ("torch fp32, batched", torch_s, torch_p),
            (f"onnx {shipped} (shipped), batched", onnx_s, onnx_p)]
    if bf16:
        bf16_clf = ToneClassifier.from_pretrained(model_dir, backend="torch-bf16")
        bf16_clf.predict_proba(texts[:8], sent_at=sent[:8])
        bf16_p, bf16_s = _timed(partial(bf16_clf.predict_proba, texts, sent_at=sent))
        runs.append(("torch bf16 (TONEGUARD_BACKEND=torch-bf16), batched", bf16_s, bf16_p))
        del bf16_clf
    for scheme in schemes:
        if tag_for(scheme) == shipped:
            continue
        other = _scheme_variant(model_dir, onnx_clf, threads, scheme)
        other.predict_proba(texts[:8], sent_at=sent[:8])
        other_p, other_s = _timed(partial(other.predict_proba, texts, sent_at=sent))
        runs.append((f"onnx {tag_for(scheme)} (--scheme {scheme}), batched", other_s, other_p))
    variants = [(name, secs, p, p >= torch_clf.thresholds) for name, secs, p in runs]
    flags = [variants[0][3]]
    tokens = [len(ids) for ids in torch_clf.tokenizer(texts)["input_ids"]]
    rows_out = [
        {"name": name, "seconds": round(secs, 3), "msgs_per_s": round(n / secs, 1),
         "ratio_to_baseline": round(base_s / secs, 2),
         "ratio_to_reference": round(ref[1] / secs, 2) if ref else None,
         "max_prob_gap_to_baseline": round(float(np.abs(p - base_p).max()), 4),
         "same_flags_as_baseline": round(float((f == flags[0]).all(axis=1).mean()), 4),
         "within_0_03_of_baseline": round(float(
             (np.abs(p - base_p) <= 0.03).all(axis=1).mean()), 4),
         "same_flags_as_reference": round(float((f == ref[3]).all(axis=1).mean()), 4)
         if ref else None}
        for name, secs, p, f in variants
    ]
    if ref:
        rows_out.insert(0, {"name": ref[0], "seconds": round(ref[1], 3),
                            "msgs_per_s": round(n / ref[1], 1),
                            "ratio_to_baseline": round(base_s / ref[1], 2),
                            "ratio_to_reference": 1.0, "max_prob_gap_to_baseline": None,
                            "same_flags_as_baseline": round(float(
                                (ref[3] == flags[0]).all(axis=1).mean()), 4),
                            "within_0_03_of_baseline": None, "same_flags_as_reference": 1.0})
    return {
        "bench": "throughput",
        "machine": {**info, "load_average_end": list(os.getloadavg())},
        "model": {"dir": str(model_dir), "name": torch_clf.name, "version": torch_clf.version,
                  "onnx": str(onnx_clf.backend.path) if isinstance(onnx_clf.backend, OnnxBackend)
                  else None},
        "threads": threads,
        "messages": n,
        "tokens": {"mean": float(np.mean(tokens)), "max": int(max(tokens))},
        "batch_size": 32,
        "reference": str(reference) if reference else None,
        "variants": rows_out,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.throughput", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=SHIPPED_MODEL)
    parser.add_argument("--n", type=int, default=512, help="test-split messages")
    parser.add_argument("--threads", type=int, default=None, help="default: all cores")
    parser.add_argument("--schemes", default="block,rows,tensor",
                        help="other int8 schemes to export and compare (comma-separated; "
                             "each costs a ~1 min export)")
    parser.add_argument("--no-bf16", action="store_true",
                        help="skip the torch bf16 row (slow on CPUs without AMX)")
    parser.add_argument("--reference", type=Path, default=None,
                        help="another model folder timed at batch 1 as the reference "
                             "(default: the teacher a distilled model names)")
    parser.add_argument("--no-reference", action="store_true", help="skip the reference row")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    schemes = tuple(x for x in args.schemes.split(",") if x.strip())
    reference = None if args.no_reference else (args.reference or reference_for(args.model))
    result = run(args.model, args.n, args.threads, schemes, bf16=not args.no_bf16,
                 reference=reference)
    m = result["machine"]
    print(f"{result['messages']} test-split messages (mean {result['tokens']['mean']:.0f} tokens), "
          f"{result['threads']} threads, {m['cpu']}, load average {m['load_average'][0]:.2f} "
          f"before, {m['load_average_end'][0]:.2f} after")
    headers = ["variant", "seconds", "msgs/s", "x baseline", "max |dp|", "same flags",
               "all within 0.03"]
    if reference:
        headers += ["x reference", "same flags as reference"]
    print(table(headers,
                [[v["name"], v["seconds"], v["msgs_per_s"], v["ratio_to_baseline"],
                  v["max_prob_gap_to_baseline"], v["same_flags_as_baseline"],
                  v["within_0_03_of_baseline"]]
                 + ([v["ratio_to_reference"], v["same_flags_as_reference"]] if reference else [])
                 for v in result["variants"]]))
    print(f"written to {write_result('throughput', result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
