"""A tenant's sensitivity: which calibrated score makes a label a flag.

`normal` is the model's own thresholds (tuned on dev, in the model's config.json). The
presets move every label's threshold by the same factor on the odds scale: `high` flags
at half the odds `normal` needs, `low` only at twice them. Since the scores are
calibrated probabilities, that is the decision rule for a missed flag costing twice (high)
or half (low) as much, relative to a false alarm, as the model's tuning assumed, and it
never leaves (0, 1). A tenant may also pin any label to an explicit threshold, which wins
over its preset.

Stored on the tenant as JSON: {"preset": "high", "thresholds": {"threat": 0.3}} (both
keys optional; NULL = normal). Each message keeps the `decision_record` it was labelled
with, so a later change applies to new messages and never rewrites history.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from classifier.types import LABELS

if TYPE_CHECKING:
    from service.context import Services

PRESETS = ("low", "normal", "high")
DEFAULT_PRESET = "normal"
# Odds factor of the presets: high flags at 1/2 the odds normal needs, low at 2x.
ODDS_FACTOR = 2.0
_SHIFT = {"low": math.log(ODDS_FACTOR), "normal": 0.0, "high": -math.log(ODDS_FACTOR)}
DIGITS = 4  # thresholds are rounded like the scores they are compared with


@dataclass(frozen=True)
class Sensitivity:
    """A validated sensitivity: a preset plus per-label thresholds that override it."""

    preset: str = DEFAULT_PRESET
    overrides: Mapping[str, float] | None = None

    def __post_init__(self) -> None:
        if self.preset not in PRESETS:
            raise ValueError(f"unknown preset {self.preset!r}; use one of {PRESETS}")
        for label, t in (self.overrides or {}).items():
            if label not in LABELS:
                raise ValueError(f"unknown label {label!r}; use one of {LABELS}")
            if not 0.0 < t < 1.0:
                raise ValueError(f"threshold for {label} must be between 0 and 1 (exclusive)")

    @classmethod
    def from_json(cls, value: Mapping[str, Any] | None) -> Sensitivity:
        """The stored JSON (None = normal) as a Sensitivity; unknown keys are ignored."""
        if not value:
            return cls()
        overrides = {str(k): float(v) for k, v in (value.get("thresholds") or {}).items()}
        return cls(preset=str(value.get("preset") or DEFAULT_PRESET), overrides=overrides or None)

    def to_json(self) -> dict[str, Any] | None:
        """What the tenant row stores; None when it is the default."""
        if self.is_default:
            return None
        out: dict[str, Any] = {"preset": self.preset}
        if self.overrides:
            out["thresholds"] = {lab: float(self.overrides[lab])
                                 for lab in LABELS if lab in self.overrides}
        return out

    @property
    def is_default(self) -> bool:
        return self.preset == DEFAULT_PRESET and not self.overrides


def shift_threshold(t: float, preset: str) -> float:
    """`t` moved by the preset's odds factor: logistic(logit(t) + shift)."""
    if not 0.0 < t < 1.0:
        return t  # 0 or 1 (never or always) stays as it is
    z = math.log(t / (1.0 - t)) + _SHIFT[preset]
    return round(1.0 / (1.0 + math.exp(-z)), DIGITS)


def effective_thresholds(model: Mapping[str, float], sensitivity: Sensitivity,
                         labels: Sequence[str] = LABELS) -> dict[str, float]:
    """Each label's threshold for this sensitivity, from the model's own (`model`)."""
    out: dict[str, float] = {}
    for label in labels:
        if sensitivity.overrides and label in sensitivity.overrides:
            out[label] = round(float(sensitivity.overrides[label]), DIGITS)
        else:
            out[label] = shift_threshold(float(model.get(label, 0.5)), sensitivity.preset)
    return out


def preset_thresholds(model: Mapping[str, float],
                      labels: Sequence[str] = LABELS) -> dict[str, dict[str, float]]:
    """Every preset's thresholds (what the console shows next to the choice)."""
    return {p: effective_thresholds(model, Sensitivity(p), labels) for p in PRESETS}


def decision_record(sensitivity: Sensitivity, thresholds: Mapping[str, float]) -> dict[str, Any]:
    """What a message stores about how its labels were decided."""
    return {
        "preset": sensitivity.preset,
        "custom": sorted(sensitivity.overrides or {}),
        "thresholds": dict(thresholds),
    }


def tenant_decision(model: Mapping[str, float], stored: Mapping[str, Any] | None,
                    ) -> tuple[dict[str, float], dict[str, Any]]:
    """A tenant's effective thresholds and the record a message keeps of them."""
    sens = Sensitivity.from_json(stored)
    cut = effective_thresholds(model, sens, list(model) or LABELS)
    return cut, decision_record(sens, cut)


def thresholds_for_tenant(services: Services, tenant_id: int) -> dict[str, float]:
    """The thresholds that flag a tenant's new messages now (for alerts and other readers
    outside a request); read from the database, not from the key cache."""
    from service.tenants import tenant_sensitivity

    with services.db.session() as session:
        stored = tenant_sensitivity(session, tenant_id)
    return tenant_decision(services.engine.model_thresholds, stored)[0]
