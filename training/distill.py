"""Knowledge distillation: a shallow student learns from a fine-tuned teacher's outputs.

Why: on a CPU without fast int8 (AVX2 only), the cost of a message is the encoder's
layers, so the way to many times the throughput is fewer layers. The student keeps the
bottom `keep_layers` of the teacher (fine-tuned weights, LoRA merged) and the head, and
trains on the corpus labels plus the teacher's probabilities and pooled states for every
training input (time counterfactuals and weak extra rows included, where the teacher
labels all four tags, not only the one the weak source knows).

Students also read a compact input ("closed: text" instead of "query: [sent outside
business hours] text"): 8 fewer tokens per message, a seventh of a typical message.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from classifier.network import copy_ffn_neurons
from classifier.types import LABELS
from training.args import TrainingArguments
from training.batching import collate, sorted_batches

if TYPE_CHECKING:
    from classifier.model import ToneClassifier
    from classifier.network import ToneNet

logger = logging.getLogger(__name__)

COMPACT_TEMPLATE = "{time_marker} {text}"
COMPACT_MARKERS = {"outside": "closed:", "inside_or_unknown": "open:"}


def load_teacher(folder: str | Path) -> ToneClassifier:
    """The teacher with its torch network (its layers seed the student)."""
    from classifier.model import ToneClassifier

    teacher = ToneClassifier.from_pretrained(folder, backend="torch")
    logger.info("teacher %s %s from %s", teacher.name, teacher.version, folder)
    return teacher


def teacher_targets(teacher: ToneClassifier, texts: list[str], outside: list[bool | None],
                    max_length: int = 256, cache: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The teacher's raw logits and pooled states for cleaned texts, in its own input form.

    The pooled state (what its head reads) is a 384-number target per input instead of
    four logits: matching it teaches a shallow student far more per example. One pass over
    the training inputs costs minutes on a CPU, so the result is cached on disk, keyed by
    the teacher's weights and the exact inputs.
    """
    if teacher.labels != list(LABELS):
        raise ValueError(f"the teacher's labels {teacher.labels} are not {list(LABELS)}")
    inputs = [teacher.config.model_input(t, o) for t, o in zip(texts, outside, strict=True)]
    path = _cache_path(teacher, inputs, max_length) if cache else None
    if path is not None and path.is_file():
        with np.load(path) as saved:
            logger.info("teacher targets from %s", path)
            return saved["logits"], saved["pooled"]
    logits, pooled = _run_teacher(teacher, inputs, max_length)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, logits=logits, pooled=pooled)
    return logits, pooled


def _cache_path(teacher: ToneClassifier, inputs: list[str], max_length: int) -> Path | None:
    from classifier.base_model import default_cache_dir
    from classifier.onnx_backend import weights_fingerprint

    if teacher.folder is None:
        return None
    h = hashlib.sha256(weights_fingerprint(teacher.folder).encode())
    h.update(str(max_length).encode())
    for text in inputs:
        h.update(text.encode() + b"\0")
    return default_cache_dir() / "distill" / f"{h.hexdigest()[:32]}.npz"


@torch.no_grad()
def _run_teacher(teacher: ToneClassifier, inputs: list[str],
                 max_length: int) -> tuple[np.ndarray, np.ndarray]:
    from tqdm.auto import tqdm

    net = teacher.net.eval()
    ids = teacher.tokenizer(inputs, truncation=True, max_length=max_length)["input_ids"]
    hidden = int(net.head.in_features)
    logits = np.zeros((len(ids), len(LABELS)), dtype=np.float32)
    pooled = np.zeros((len(ids), hidden), dtype=np.float32)
    pad = teacher.tokenizer.pad_token_id
    for idx in tqdm(sorted_batches(ids), desc="teacher targets", mininterval=2.0):
        x, m = collate(ids, idx, pad)
        p = net.pooled(x, m)
        pooled[idx] = p.float().numpy()
        logits[idx] = net.head(p).float().numpy()
    return logits, pooled


def seed_student(student: ToneNet, teacher: ToneNet, keep: list[int],
                 importance: list[torch.Tensor] | None = None) -> None:
    """Copy the teacher's layers `keep` (in order) and its head into the student.

    A student with narrower feed-forward blocks gets each layer's most important neurons
    (`importance[j]` for student layer j, see `ffn_importance`), sliced from the teacher.
    """
    t_layers = teacher.bert().encoder.layer
    s_layers = student.bert().encoder.layer
    if len(s_layers) != len(keep) or max(keep) >= len(t_layers):
        raise ValueError(f"cannot seed a {len(s_layers)}-layer student from layers {keep} "
                         f"of a {len(t_layers)}-layer teacher")
    with torch.no_grad():
        for j, (dst, k) in enumerate(zip(s_layers, keep, strict=True)):
            src = t_layers[k]
            width = dst.intermediate.dense.out_features
            if width == src.intermediate.dense.out_features:
                dst.load_state_dict(src.state_dict())
                continue
            if importance is None:
                raise ValueError("a narrower student needs the teacher's neuron importance")
            neurons = torch.sort(torch.topk(importance[j], width).indices).values
            rest = {n: v for n, v in src.state_dict().items()
                    if not n.startswith(("intermediate.dense", "output.dense"))}
            dst.load_state_dict(rest, strict=False)
            copy_ffn_neurons(src.intermediate.dense, src.output.dense, dst, neurons)
        student.head.load_state_dict(teacher.head.state_dict())


@torch.no_grad()
def ffn_importance(teacher: ToneClassifier, inputs: list[str], keep: list[int],
                   max_length: int = 256) -> list[torch.Tensor]:
    """Per kept teacher layer, each feed-forward neuron's importance on `inputs`.

    Importance = mean |activation| over real tokens x the norm of the neuron's output
    weights: how much the neuron writes into the residual stream on this kind of text.
    """
    net = teacher.net.eval()
    layers = net.bert().encoder.layer
    sums = {k: torch.zeros(layers[k].intermediate.dense.out_features) for k in keep}
    state: dict[str, torch.Tensor] = {}

    def hook(k: int) -> Any:
        def add(_module: Any, _inp: Any, out: torch.Tensor) -> None:
            m = state["mask"].unsqueeze(-1).to(out.dtype)
            sums[k] += (out.abs() * m).sum(dim=(0, 1)).float()
        return add

    handles = [layers[k].intermediate.register_forward_hook(hook(k)) for k in keep]
    try:
        ids = teacher.tokenizer(inputs, truncation=True, max_length=max_length)["input_ids"]
        for idx in sorted_batches(ids):
            x, m = collate(ids, idx, teacher.tokenizer.pad_token_id)
            state["mask"] = m
            net.pooled(x, m)
    finally:
        for h in handles:
            h.remove()
    return [sums[k] * layers[k].output.dense.weight.norm(dim=0) for k in keep]


def hidden_loss(pooled: torch.Tensor, teacher: torch.Tensor) -> torch.Tensor:
    """Mean squared gap to the teacher's pooled states, relative to their mean square."""
    return ((pooled - teacher) ** 2).mean() / (teacher**2).mean().clamp(min=1e-8)


def soft_loss(logits: torch.Tensor, teacher: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy against the teacher's probabilities, all labels, row-weighted."""
    per = torch.nn.functional.binary_cross_entropy_with_logits(
        logits, torch.sigmoid(teacher), reduction="none")
    return (per * weight[:, None]).sum() / (weight.sum() * logits.shape[1]).clamp(min=1.0)


@dataclass
class DistillTargets:
    """What a teacher adds to each training input's loss (nothing without a teacher)."""

    soft: torch.Tensor | None = None  # the teacher's logits, one row per training input
    pooled: torch.Tensor | None = None  # its pooled states, when they are matched too
    description: dict[str, Any] | str = "none"  # for the model card


def distillation_targets(args: TrainingArguments, student: ToneNet, texts: list[str],
                         outside: list[bool | None], cached: bool) -> DistillTargets:
    """The training step that reads the teacher: seed a student, compute soft targets.

    `texts`/`outside` are the training inputs' cleaned texts and clock (the teacher builds
    its own inputs from them); `cached` says the bottom layers are cached, which rules out
    matching pooled states (the cached path never computes them).
    """
    if args.teacher is None:
        return DistillTargets()
    teacher = load_teacher(args.teacher)
    if args.method == "student":
        importance = None
        if args.student_ffn:
            sample = [teacher.config.model_input(t, o)
                      for t, o in zip(texts[:1024], outside[:1024], strict=True)]
            importance = ffn_importance(teacher, sample, args.student_layers)
        seed_student(student, teacher.net, args.student_layers, importance)
    logits, pooled = teacher_targets(teacher, texts, outside, teacher.config.max_length)
    match_pooled = bool(args.distill_hidden_weight) and not cached
    return DistillTargets(
        soft=torch.from_numpy(logits),
        pooled=torch.from_numpy(pooled) if match_pooled else None,
        description={"teacher": f"{teacher.name} {teacher.version}",
                     "teacher_dir": str(args.teacher), "soft_weight": args.distill_weight,
                     "pooled_state_weight": args.distill_hidden_weight})
