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

import logging
import os
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from bench.common import (
    REPO_ROOT,
    SHIPPED_MODEL,
    machine,
    parse_sent_at,
    table,
    test_messages,
    write_result,
)
from classifier.scripts import comma_list, run_command
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


def _classifiers(model_dir: Path, threads: int) -> tuple[Any, Any]:
    """The torch classifier and the shipped ONNX one on `threads` (exported if missing)."""
    from classifier.model import ToneClassifier
    from classifier.onnx_backend import INT8_NAME, OnnxBackend, find_onnx
    from training.export import export_model

    if find_onnx(model_dir, prefer=INT8_NAME) is None:
        logger.warning("no up-to-date ONNX export in %s; exporting it now", model_dir)
        export_model(model_dir)
    torch_clf = ToneClassifier.from_pretrained(model_dir, backend="torch")
    onnx_clf = ToneClassifier.from_pretrained(model_dir, backend="onnx")
    if isinstance(onnx_clf.backend, OnnxBackend):
        onnx_clf.backend = OnnxBackend(onnx_clf.backend.path, threads=threads)
    return torch_clf, onnx_clf


def _one_by_one(clf: Any, texts: list[str], sent: list[Any]) -> np.ndarray:
    """Batch 1: what the baseline and the reference run."""
    return np.stack([clf.predict_proba(t, sent_at=s) for t, s in zip(texts, sent, strict=True)])


def _warm_and_time(clf: Any, texts: list[str], sent: list[Any]) -> tuple[np.ndarray, float]:
    """Batched, after a warm-up (first calls allocate arenas and pick kernels)."""
    clf.predict_proba(texts[:8], sent_at=sent[:8])
    return _timed(partial(clf.predict_proba, texts, sent_at=sent))


def _reference(reference: Path, texts: list[str],
               sent: list[Any]) -> tuple[str, float, np.ndarray, np.ndarray]:
    """The reference model at batch 1: its name, seconds, probabilities and flags."""
    from classifier.model import ToneClassifier

    ref_clf = ToneClassifier.from_pretrained(reference, backend="torch")
    ref_clf.predict_proba(texts[:8], sent_at=sent[:8])
    ref_p, ref_s = _timed(partial(_one_by_one, ref_clf, texts, sent))
    return (f"reference {ref_clf.name}: transformers fp32, batch 1", ref_s, ref_p,
            ref_p >= ref_clf.thresholds)


def _variants(model_dir: Path, torch_clf: Any, onnx_clf: Any, texts: list[str],
              sent: list[Any], threads: int, schemes: tuple[str, ...],
              bf16: bool) -> list[tuple[str, float, np.ndarray]]:
    """(name, seconds, probabilities) of every variant; the baseline first."""
    from classifier.model import ToneClassifier
    from classifier.onnx_backend import OnnxBackend

    torch_clf.predict_proba(texts[:8], sent_at=sent[:8])
    onnx_clf.predict_proba(texts[:8], sent_at=sent[:8])
    base_p, base_s = _timed(partial(_one_by_one, torch_clf, texts, sent))
    torch_p, torch_s = _timed(partial(torch_clf.predict_proba, texts, sent_at=sent))
    onnx_p, onnx_s = _timed(partial(onnx_clf.predict_proba, texts, sent_at=sent))
    shipped = (onnx_clf.backend.metadata.get("toneguard.quantization", "?")
               if isinstance(onnx_clf.backend, OnnxBackend) else "torch fallback")
    runs = [("transformers fp32, batch 1 (baseline)", base_s, base_p),
            ("torch fp32, batched", torch_s, torch_p),
            (f"onnx {shipped} (shipped), batched", onnx_s, onnx_p)]
    if bf16:
        bf16_p, bf16_s = _warm_and_time(
            ToneClassifier.from_pretrained(model_dir, backend="torch-bf16"), texts, sent)
        runs.append(("torch bf16 (TONEGUARD_BACKEND=torch-bf16), batched", bf16_s, bf16_p))
    for scheme in schemes:
        if tag_for(scheme) == shipped:
            continue
        other = _scheme_variant(model_dir, onnx_clf, threads, scheme)
        other_p, other_s = _warm_and_time(other, texts, sent)
        runs.append((f"onnx {tag_for(scheme)} (--scheme {scheme}), batched", other_s, other_p))
    return runs


def _rows(runs: list[tuple[str, float, np.ndarray]], thresholds: np.ndarray, n: int,
          ref: tuple[str, float, np.ndarray, np.ndarray] | None) -> list[dict[str, Any]]:
    """One table row per variant (the reference first), compared with the baseline."""
    _, base_s, base_p = runs[0]
    base_flags = base_p >= thresholds
    rows = [
        {"name": name, "seconds": round(secs, 3), "msgs_per_s": round(n / secs, 1),
         "ratio_to_baseline": round(base_s / secs, 2),
         "ratio_to_reference": round(ref[1] / secs, 2) if ref else None,
         "max_prob_gap_to_baseline": round(float(np.abs(p - base_p).max()), 4),
         "same_flags_as_baseline": round(float(((p >= thresholds) == base_flags)
                                               .all(axis=1).mean()), 4),
         "within_0_03_of_baseline": round(float(
             (np.abs(p - base_p) <= 0.03).all(axis=1).mean()), 4),
         "same_flags_as_reference": round(float(((p >= thresholds) == ref[3])
                                                .all(axis=1).mean()), 4) if ref else None}
        for name, secs, p in runs
    ]
    if ref:
        rows.insert(0, {"name": ref[0], "seconds": round(ref[1], 3),
                        "msgs_per_s": round(n / ref[1], 1),
                        "ratio_to_baseline": round(base_s / ref[1], 2),
                        "ratio_to_reference": 1.0, "max_prob_gap_to_baseline": None,
                        "same_flags_as_baseline": round(float(
                            (ref[3] == base_flags).all(axis=1).mean()), 4),
                        "within_0_03_of_baseline": None, "same_flags_as_reference": 1.0})
    return rows


def run(model_dir: Path, n: int, threads: int | None,
        schemes: tuple[str, ...] = ("block", "rows", "tensor"), bf16: bool = True,
        reference: Path | None = None) -> dict[str, Any]:
    import torch

    from classifier.onnx_backend import OnnxBackend, available_cores

    info = machine()
    threads = threads or available_cores()
    torch.set_num_threads(threads)
    torch_clf, onnx_clf = _classifiers(model_dir, threads)
    rows = test_messages(n)
    texts = [r["text"] for r in rows]
    sent = [parse_sent_at(r.get("sent_at")) for r in rows]
    ref = _reference(reference, texts, sent) if reference is not None else None
    runs = _variants(model_dir, torch_clf, onnx_clf, texts, sent, threads, schemes, bf16)
    tokens = [len(ids) for ids in torch_clf.tokenizer(texts)["input_ids"]]
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
        "variants": _rows(runs, torch_clf.thresholds, n, ref),
    }


def cli(
    model: Annotated[Path, typer.Option()] = SHIPPED_MODEL,
    n: Annotated[int, typer.Option(help="test-split messages")] = 512,
    threads: Annotated[int | None, typer.Option(help="default: all cores")] = None,
    schemes: Annotated[str, typer.Option(
        help="other int8 schemes to export and compare (comma-separated; each costs a ~1 "
             "min export)")] = "block,rows,tensor",
    no_bf16: Annotated[bool, typer.Option(
        "--no-bf16", help="skip the torch bf16 row (slow on CPUs without AMX)")] = False,
    reference: Annotated[Path | None, typer.Option(
        help="another model folder timed at batch 1 as the reference (default: the teacher "
             "a distilled model names)")] = None,
    no_reference: Annotated[bool, typer.Option(
        "--no-reference", help="skip the reference row")] = False,
) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    chosen = tuple(comma_list(schemes))
    reference = None if no_reference else (reference or reference_for(model))
    result = run(model, n, threads, chosen, bf16=not no_bf16, reference=reference)
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
    sys.exit(run_command(cli, None, "python -m bench.throughput", __doc__))
