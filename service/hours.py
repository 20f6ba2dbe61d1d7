"""Business hours as the service stores them (plain JSON) and as the classifier wants them.

The JSON shape is `{"timezone": "Europe/Berlin", "weekly": {"mon": [["09:00", "18:00"]], ...},
"holidays": ["2026-12-24", ...]}`. Conversion to `classifier.hours.BusinessHours` happens
only here, so the stored shape does not depend on the classifier's class.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

logger = logging.getLogger(__name__)


def effective_hours(
    default: Mapping[str, Any],
    tenant: Mapping[str, Any] | None,
    override: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Request override beats the tenant's setting, which beats the service default."""
    for candidate in (override, tenant):
        if candidate:
            return dict(candidate)
    return dict(default)


def to_classifier_hours(hours: Mapping[str, Any]) -> Any:
    """Build the classifier's BusinessHours; None when that class is unavailable."""
    try:
        from classifier.hours import BusinessHours
    except ImportError:
        return None
    from_dict = getattr(BusinessHours, "from_dict", None)
    if callable(from_dict):
        return from_dict(dict(hours))
    return BusinessHours(**dict(hours))
