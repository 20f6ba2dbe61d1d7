"""GET/PUT/DELETE /v1/tenant/sensitivity, and the decision record shown with a message."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from service.api.schemas.common import Label, Strict

Preset = Literal["low", "normal", "high"]
Threshold = Annotated[float, Field(gt=0.0, lt=1.0)]


class SensitivityIn(Strict):
    """A preset for every label, and optionally explicit thresholds that override it."""

    preset: Preset = Field(
        "normal", description="normal = the model's own thresholds; high flags at half the "
        "odds normal needs, low only at twice them.")
    thresholds: dict[Label, Threshold] = Field(
        default_factory=dict, max_length=4, examples=[{"threat": 0.3}],
        description="Per-label calibrated score (0 < t < 1) at or above which the label is "
                    "flagged; labels left out follow the preset.")


class SensitivityOut(BaseModel):
    preset: Preset
    custom: dict[str, float] = Field(description="The labels pinned to an explicit threshold.")
    thresholds: dict[str, float] = Field(
        description="What flags this tenant's new messages, per label.")
    model_thresholds: dict[str, float] = Field(description="The model's own (preset normal).")
    presets: dict[str, dict[str, float]] = Field(description="Each preset's thresholds.")
    is_default: bool
    applies_to: Literal["new_messages"] = Field(
        "new_messages", description="A change never relabels messages already stored.")


class DecisionOut(BaseModel):
    """How a stored message's model labels were decided."""

    preset: str
    custom: list[str] = Field(default_factory=list,
                              description="Labels whose threshold was set explicitly.")
    thresholds: dict[str, float]
