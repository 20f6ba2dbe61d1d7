"""Plain result types shared by the classifier, the service and the UI.

They live apart from the model code so the service can type against them
without importing torch.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

LABELS: tuple[str, ...] = ("aggression", "threat", "unreasonable_demand", "off_hours_pressure")


@dataclass(frozen=True)
class Span:
    """A stretch of the text as received that drove one flag."""

    label: str
    start: int  # Python string index into the original text, inclusive
    end: int  # exclusive
    text: str
    score: float


@dataclass
class Prediction:
    """Everything the classifier says about one message."""

    text: str
    labels: list[str]
    scores: dict[str, float]
    spans: list[Span] = field(default_factory=list)
    lang: str | None = None
    # True/False when sent_at was given: whether it fell outside business hours.
    outside_business_hours: bool | None = None
    # Ranges (start, end) of the original text that were ignored as quoted
    # earlier messages, signatures or disclaimers.
    ignored_ranges: list[tuple[int, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
