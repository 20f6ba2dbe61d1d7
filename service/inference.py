"""The one place that runs the model. Routes and ingestion call `InferenceEngine.classify`.

Inference is CPU-bound and blocking, so it runs in a worker thread; a semaphore keeps
concurrent forward passes from fighting over the few cores. A micro-batcher can later
replace the body of `classify` without touching the callers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

import anyio
import anyio.to_thread

from classifier.types import Prediction

logger = logging.getLogger(__name__)


class Classifier(Protocol):
    """What the service needs from classifier.model.ToneClassifier."""

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    @property
    def labels(self) -> Sequence[str]: ...

    def predict(
        self,
        texts: list[str],
        sent_at: list[datetime | None],
        business_hours: Any = None,
    ) -> list[Prediction]: ...


class InferenceEngine:
    """Async facade over a blocking classifier."""

    def __init__(
        self,
        classifier: Classifier,
        max_concurrency: int = 1,
        on_inference: Callable[[float, int], None] | None = None,
    ) -> None:
        self.classifier = classifier
        self._limit = anyio.CapacityLimiter(max_concurrency)
        self._on_inference = on_inference

    @property
    def model_name(self) -> str:
        return str(self.classifier.name)

    @property
    def model_version(self) -> str:
        return str(self.classifier.version)

    async def classify(
        self,
        texts: list[str],
        sent_ats: list[datetime | None],
        business_hours: Any = None,
    ) -> list[Prediction]:
        """Predictions for `texts`, in order; `sent_ats` aligns with them."""
        if len(texts) != len(sent_ats):
            raise ValueError("texts and sent_ats must have the same length")
        if not texts:
            return []

        def run() -> list[Prediction]:
            start = time.perf_counter()
            out = self.classifier.predict(
                list(texts), list(sent_ats), business_hours=business_hours
            )
            if self._on_inference is not None:
                self._on_inference(time.perf_counter() - start, len(texts))
            return out

        return await anyio.to_thread.run_sync(run, limiter=self._limit)
