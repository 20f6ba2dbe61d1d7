"""Export a model folder to ONNX Runtime: fp32 graph, BERT fusions, int8 quantization.

The int8 file (`model-int8.onnx`, git-ignored) lands next to the weights it was built from
and records their fingerprint in its metadata, so a retrained folder never silently runs a
stale graph (`classifier.onnx_backend` checks it). Which int8 scheme suits the CPU is
decided by timing both here (training/quantize.py). The fp32 intermediate is kept only on
request: it is ~470 MB, the int8 ones ~140-180 MB.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from classifier.onnx_backend import (
    ENCODER_NAME,
    FP32_NAME,
    INT8_NAME,
    META_FINGERPRINT,
    META_FORMAT,
    ONNX_FORMAT,
    find_onnx,
    read_metadata,
    weights_fingerprint,
)
from classifier.paths import SHIPPED_MODEL_DIR
from training.quantize import (
    AUTO_TAGS,
    SCHEMES,
    choose_scheme,
    pick_fastest,
    quantize_blocks,
    quantize_embedding_rows,
    quantize_tensor,
    tag_for,
)

logger = logging.getLogger(__name__)

OPSET = 17
# Sentences for the post-export check (all code paths: short, long, several languages).
CHECK_TEXTS = [
    "Hello, where is my order? It was due on Monday.",
    "You are useless idiots. If I do not get a refund today I will sue you and tell everyone.",
    "Добрый вечер! Почему никто не отвечает в выходные? Ответьте немедленно, это важно.",
    "Guten Tag, ich warte seit drei Wochen auf eine Antwort. Das ist inakzeptabel.",
    "Hola, necesito la factura de marzo, gracias.",
]


@dataclass
class ExportResult:
    path: Path
    seconds: float
    size_mb: float
    max_prob_diff: float  # vs the torch backend on CHECK_TEXTS


def _export_fp32(net: Any, tokenizer: Any, out: Path) -> None:
    """Trace the merged network with dynamic batch and sequence axes (opset 17).

    A ToneNet also gets a second output, `token_logits` (batch, seq, n_labels), from the
    same pass (`ToneNet.with_token_logits`): spans come from it at no extra cost.
    """
    import torch

    from classifier.onnx_backend import TOKEN_LOGITS

    encoder = net.encoder
    if hasattr(encoder, "set_attn_implementation"):
        # Eager attention exports as plain MatMul/Softmax, the pattern ORT's fusion knows.
        encoder.set_attn_implementation("eager")
    # A padded batch, so the traced graph sees a real mask.
    enc = tokenizer(CHECK_TEXTS[:2], padding=True, return_tensors="pt")
    ids, mask = enc["input_ids"].long(), enc["attention_mask"].long()
    axes = {"batch": 0, "seq": 1}
    names, dynamic = ["logits"], {"logits": {0: "batch"}}
    if hasattr(net, "with_token_logits"):
        net = _with_token_logits(net)
        names.append(TOKEN_LOGITS)
        dynamic[TOKEN_LOGITS] = {0: "batch", 1: "seq"}
    with torch.inference_mode():
        torch.onnx.export(
            net, (ids, mask), str(out), dynamo=False, opset_version=OPSET,
            input_names=["input_ids", "attention_mask"], output_names=names,
            dynamic_axes={"input_ids": {v: k for k, v in axes.items()},
                          "attention_mask": {v: k for k, v in axes.items()}, **dynamic},
        )


def _with_token_logits(net: Any) -> Any:
    """A module whose forward is `net.with_token_logits`, so the tracer sees both outputs."""
    import torch

    class WithTokenLogits(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.net = net

        def forward(self, input_ids: torch.Tensor,
                    attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            out: tuple[torch.Tensor, torch.Tensor] = self.net.with_token_logits(input_ids,
                                                                               attention_mask)
            return out

    return WithTokenLogits().eval()


def _fuse(src: Path, dst: Path, num_heads: int, hidden: int, embed_layer_norm: bool = True) -> None:
    """Fuse attention, LayerNorm and GELU subgraphs (ORT's BERT optimizer); big CPU win.

    `embed_layer_norm=False` leaves the embedding lookup unfused, so that
    `quantize_embedding_rows` can give the word table one scale per row.
    """
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    options = FusionOptions("bert")
    options.enable_embed_layer_norm = embed_layer_norm
    opt = optimize_model(str(src), model_type="bert", num_heads=num_heads, hidden_size=hidden,
                         opt_level=1, optimization_options=options)
    opt.save_model_to_file(str(dst))


def _stamp(path: Path, meta: dict[str, str]) -> None:
    """Record which weights the graph came from (checked on load)."""
    import onnx

    model = onnx.load(str(path))
    existing = {p.key: p for p in model.metadata_props}
    for key, value in meta.items():
        prop = existing.get(key) or model.metadata_props.add()
        prop.key, prop.value = key, value
    onnx.save(model, str(path))


def export_model(model_dir: Path, quantize: bool = True, per_channel: bool = True,
                 fuse: bool = True, keep_fp32: bool = False, force: bool = False,
                 scheme: str = "auto") -> ExportResult:
    """Write `model-int8.onnx` (or `model.onnx` without quantization) into `model_dir`.

    `scheme` is one of `training.quantize.SCHEMES`; "auto" times the accurate ones on
    this machine and keeps "rows" (fp32 products, faithful to the calibrated model) unless
    "block" is clearly faster (`choose_scheme`; the choice and timings land in the metadata).
    """
    from classifier.model import ToneClassifier

    wanted = tag_for(scheme, per_channel) if quantize and scheme != "auto" else None
    target = model_dir / (INT8_NAME if quantize else FP32_NAME)
    if not force and find_onnx(model_dir, prefer=target.name) == target:
        meta_now = read_metadata(target)
        current = meta_now.get("toneguard.quantization")
        if (current == wanted or (not quantize and current == "none")
                or (quantize and scheme == "auto" and _auto_choice_stands(meta_now))):
            logger.info("%s is up to date (%s)", target, current)
            return ExportResult(target, 0.0, target.stat().st_size / 1e6, float("nan"))
    start = time.perf_counter()
    clf = ToneClassifier.from_pretrained(model_dir, backend="torch")
    cfg = clf.net.encoder.config
    meta = {META_FORMAT: ONNX_FORMAT, META_FINGERPRINT: weights_fingerprint(model_dir),
            "toneguard.model": f"{clf.name} {clf.version}", "toneguard.quantization": "none"}
    with tempfile.TemporaryDirectory(dir=model_dir, prefix=".export-") as tmp:
        raw = Path(tmp) / "raw.onnx"
        _export_fp32(clf.net, clf.tokenizer, raw)
        graph = raw
        if fuse:
            graph = Path(tmp) / "fused.onnx"
            _fuse(raw, graph, int(cfg.num_attention_heads), int(cfg.hidden_size),
                  embed_layer_norm=False)
        if keep_fp32 or not quantize:
            _stamp(graph, meta)
            graph.replace(model_dir / FP32_NAME)
            graph = model_dir / FP32_NAME
        if quantize:
            chosen, path, timings = _quantize_candidates(graph, Path(tmp), scheme, per_channel)
            _stamp(path, {**meta, "toneguard.quantization": tag_for(chosen, per_channel),
                          "toneguard.scheme_timings": json.dumps(timings)})
            path.replace(target)
    diff = _check(clf, target)
    seconds = time.perf_counter() - start
    logger.info("exported %s in %.0f s; max |p_onnx - p_torch| = %.4f", target, seconds, diff)
    return ExportResult(target, seconds, target.stat().st_size / 1e6, diff)


def _auto_choice_stands(meta: dict[str, str]) -> bool:
    """An "auto" graph is up to date when its recorded timings still choose it (an export
    made under an earlier rule, e.g. "the faster wins", is rebuilt)."""
    current = meta.get("toneguard.quantization")
    if current not in AUTO_TAGS:
        return False
    try:
        timings = {str(k): float(v) for k, v in
                   json.loads(meta.get("toneguard.scheme_timings", "{}")).items()}
    except (ValueError, AttributeError):
        return False
    return not timings or current == tag_for(choose_scheme(timings))


def _quantize_candidates(graph: Path, tmp: Path, scheme: str,
                         per_channel: bool) -> tuple[str, Path, dict[str, float]]:
    """Build the scheme's graph (for "auto": both accurate ones) and pick the fastest here."""
    rows = tmp / "rows.onnx"
    quantize_embedding_rows(graph, rows)
    candidates: dict[str, Path] = {}
    if scheme in ("auto", "rows"):
        candidates["rows"] = rows
    if scheme in ("auto", "block"):
        candidates["block"] = tmp / "block.onnx"
        quantize_blocks(rows, candidates["block"])
    if scheme == "tensor":
        candidates["tensor"] = tmp / "tensor.onnx"
        quantize_tensor(rows, candidates["tensor"], per_channel, op_types=["MatMul", "Attention"])
    if len(candidates) == 1:
        [(chosen, path)] = candidates.items()
        return chosen, path, {}
    chosen, timings = pick_fastest(candidates)
    return chosen, candidates[chosen], {k: round(v, 4) for k, v in timings.items()}


def export_encoder(base_dir: Path, force: bool = False) -> Path:
    """The plain base encoder (mean pooling + L2 norm) as int8, for reply matching."""
    import torch

    from classifier.network import load_encoder, mean_pool

    target = base_dir / ENCODER_NAME
    if target.is_file() and not force:
        return target
    encoder = load_encoder(base_dir).eval()

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            # Explicit token types: the model's own buffer is traced with a fixed batch size.
            out = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=torch.zeros_like(input_ids))
            pooled = mean_pool(out.last_hidden_state, attention_mask)
            return torch.nn.functional.normalize(pooled, dim=-1)

    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(base_dir))
    cfg = encoder.config
    with tempfile.TemporaryDirectory(dir=base_dir, prefix=".export-") as tmp:
        raw, fused, part = (Path(tmp) / n for n in ("raw.onnx", "fused.onnx", "int8.onnx"))
        _export_fp32(Pooled(), tokenizer, raw)
        _fuse(raw, fused, int(cfg.num_attention_heads), int(cfg.hidden_size))
        quantize_tensor(fused, part, per_channel=True)
        _stamp(part, {META_FORMAT: ONNX_FORMAT, "toneguard.model": f"base encoder {base_dir.name}",
                      "toneguard.quantization": "int8-dynamic-per-channel"})
        part.replace(target)
    logger.info("exported the reply encoder to %s", target)
    return target


def _check(clf: Any, path: Path) -> float:
    """Largest calibrated-probability gap between the new graph and torch."""
    from classifier.model import ToneClassifier
    from classifier.onnx_backend import OnnxBackend

    onnx_clf = ToneClassifier(None, clf.tokenizer, clf.config, backend=OnnxBackend(path),
                              folder=clf.folder)
    diff = np.abs(onnx_clf.predict_proba(CHECK_TEXTS) - clf.predict_proba(CHECK_TEXTS))
    return float(diff.max())


def export(
    model: Annotated[Path, typer.Option("--model", help="Model folder to export.")] = (
        SHIPPED_MODEL_DIR),
    quantize: Annotated[bool, typer.Option(help="Write int8 (model-int8.onnx).")] = True,
    scheme: Annotated[str, typer.Option(
        help="int8 scheme: auto (time both here; rows unless block is 1.25x faster), block "
             "(int8 compute, scale per 32 values: fast with VNNI), rows (fp32 products, "
             "int8 embeddings: fast on plain AVX2) or tensor (per-tensor activation "
             "scales: flips ~8% of flags, for comparison).")] = "auto",
    per_channel: Annotated[bool, typer.Option(
        help="Per-channel weight scales (tensor scheme).")] = True,
    keep_fp32: Annotated[bool, typer.Option(help="Also keep the fp32 model.onnx.")] = False,
    force: Annotated[bool, typer.Option(help="Rebuild even when up to date.")] = False,
    encoder: Annotated[bool, typer.Option(
        help="Also export the int8 base encoder for reply matching.")] = True,
) -> None:
    """Export the model to ONNX (int8) for the fast CPU backend; skipped when up to date."""
    # ONNX Runtime's quantizer logs every tensor at INFO on the root logger: keep that quiet.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("training").setLevel(logging.INFO)
    if not model.is_dir():
        raise typer.BadParameter(f"{model} is not a folder", param_hint="--model")
    if scheme not in SCHEMES:
        raise typer.BadParameter(f"use one of {', '.join(SCHEMES)}", param_hint="--scheme")
    res = export_model(model, quantize=quantize, per_channel=per_channel, keep_fp32=keep_fp32,
                       force=force, scheme=scheme)
    if encoder:
        from classifier.base_model import ensure_base_model

        typer.echo(f"reply encoder: {export_encoder(Path(ensure_base_model()), force=force)}")
    if res.seconds == 0.0:
        typer.echo(f"{res.path} is up to date ({res.size_mb:.0f} MB); --force rebuilds it")
        return
    typer.echo(f"wrote {res.path} ({res.size_mb:.0f} MB) in {res.seconds:.0f} s; "
               f"max probability gap to torch on {len(CHECK_TEXTS)} texts: {res.max_prob_diff:.4f}")
