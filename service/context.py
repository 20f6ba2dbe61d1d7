"""What a request handler (or an integration) needs: built once per app at start-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from service.config import Settings
from service.db.session import Database
from service.inference import InferenceEngine
from service.metrics import Metrics

if TYPE_CHECKING:  # both import this module's TenantContext, or pull in numpy and the encoder
    from service.replies.suggester import ReplySuggester
    from service.tenants import KeyCache


@dataclass
class Services:
    settings: Settings
    db: Database
    engine: InferenceEngine
    metrics: Metrics = field(default_factory=Metrics)
    suggester: ReplySuggester | None = None  # None: replies_mode is "off"
    keys: KeyCache | None = None  # recently verified API keys


@dataclass(frozen=True)
class TenantContext:
    """The authenticated tenant; a plain value, safe to pass between threads."""

    id: int
    name: str
    business_hours: dict[str, Any] | None = None
    # service.sensitivity.Sensitivity as stored JSON; None = the model's own thresholds.
    sensitivity: dict[str, Any] | None = None
