"""Knowledge distillation: a shallow student learns from a fine-tuned teacher's logits.

Why: on a CPU without fast int8 (AVX2 only), the cost of a message is the encoder's
layers, so the way to many times the throughput is fewer layers. The student keeps the
bottom `keep_layers` of the teacher (fine-tuned weights, LoRA merged) and the head, and
trains on the corpus labels plus the teacher's probabilities for every training input
(time counterfactuals and weak extra rows included, where the teacher labels all four
tags, not only the one the weak source knows).

Students also read a compact input ("closed: text" instead of "query: [sent outside
business hours] text"): 8 fewer tokens per message, a seventh of a typical message.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch

from classifier.types import LABELS

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


def teacher_logits(teacher: ToneClassifier, texts: list[str],
                   outside: list[bool | None]) -> np.ndarray:
    """The teacher's raw logits for cleaned texts, each in the teacher's own input form."""
    if teacher.labels != list(LABELS):
        raise ValueError(f"the teacher's labels {teacher.labels} are not {list(LABELS)}")
    inputs = [teacher.config.model_input(t, o) for t, o in zip(texts, outside, strict=True)]
    out = np.zeros((len(inputs), len(teacher.labels)), dtype=np.float32)
    step = 256
    from tqdm.auto import tqdm

    for i in tqdm(range(0, len(inputs), step), desc="teacher logits", mininterval=2.0):
        out[i : i + step] = teacher.logits(inputs[i : i + step])
    return out


def seed_student(student: ToneNet, teacher: ToneNet, keep: list[int]) -> None:
    """Copy the teacher's layers `keep` (in order) and its head into the student."""
    t_layers = teacher.bert().encoder.layer
    s_layers = student.bert().encoder.layer
    if len(s_layers) != len(keep) or max(keep) >= len(t_layers):
        raise ValueError(f"cannot seed a {len(s_layers)}-layer student from layers {keep} "
                         f"of a {len(t_layers)}-layer teacher")
    with torch.no_grad():
        for dst, k in zip(s_layers, keep, strict=True):
            dst.load_state_dict(t_layers[k].state_dict())
        student.head.load_state_dict(teacher.head.state_dict())


def soft_loss(logits: torch.Tensor, teacher: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy against the teacher's probabilities, all labels, row-weighted."""
    per = torch.nn.functional.binary_cross_entropy_with_logits(
        logits, torch.sigmoid(teacher), reduction="none")
    return (per * weight[:, None]).sum() / (weight.sum() * logits.shape[1]).clamp(min=1.0)
