"""The one place that runs the model. Routes and ingestion call `InferenceEngine.classify`.

Micro-batching: a forward pass over 16 short messages costs little more than over one,
so concurrent requests wait in a bounded queue and a worker takes everything that
arrives within a few milliseconds (up to `max_batch` messages) into one `predict` call.
The classifier pads each chunk to its longest message and sorts by length, so mixing
short and long messages stays cheap. Inference is CPU-bound and blocking, so it runs in
a worker thread; `max_concurrency` workers (1 by default: ONNX Runtime already uses every
core; with more, the service splits the cores between them) keep forward passes from
fighting over the few cores. When the queue is full the
caller gets `Overloaded` (a 503 with Retry-After over HTTP) instead of the service
growing without bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import anyio.to_thread

from classifier.hours import BusinessHours
from classifier.types import Prediction

logger = logging.getLogger(__name__)

MAX_BATCH = 32  # messages per forward pass (the classifier's own chunk size)
MAX_WAIT_S = 0.002  # how long the first request of a batch waits for company
MAX_QUEUE = 512  # messages waiting; beyond it callers get 503
RETRY_AFTER_S = 1


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
        business_hours: BusinessHours | None = None,
    ) -> list[Prediction]: ...
    # ToneClassifier.predict also takes `thresholds` (label -> cut-off); the engine passes
    # it only for a tenant whose sensitivity differs from the model's own.


class Overloaded(Exception):
    """The inference queue is full: the caller should retry after `retry_after` seconds.

    The engine knows nothing of HTTP; service.api.errors answers this with a 503 and
    Retry-After, and a background job simply fails and is retried later.
    """

    def __init__(self, waiting: int, retry_after: int = RETRY_AFTER_S) -> None:
        super().__init__(f"the classifier is busy ({waiting} messages queued); retry shortly")
        self.waiting = waiting
        self.retry_after = retry_after


@dataclass
class _Request:
    texts: list[str]
    sent_ats: list[datetime | None]
    business_hours: BusinessHours | None
    future: asyncio.Future[list[Prediction]]
    thresholds: dict[str, float] | None = None  # None = the model's own
    queued_at: float = field(default_factory=time.perf_counter)


class InferenceEngine:
    """Async facade over a blocking classifier that batches concurrent callers."""

    def __init__(
        self,
        classifier: Classifier,
        max_concurrency: int = 1,
        on_inference: Callable[[float, int], None] | None = None,
        max_batch: int = MAX_BATCH,
        max_wait_s: float = MAX_WAIT_S,
        max_queue: int = MAX_QUEUE,
    ) -> None:
        self.classifier = classifier
        self.workers = max(1, max_concurrency)
        self.max_batch = max_batch
        self.max_wait_s = max_wait_s
        self.max_queue = max_queue
        self._on_inference = on_inference
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[_Request] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._waiting = 0  # messages queued, not yet taken by a worker
        self.batches = 0  # forward batches run (for tests and benchmarks)
        self.batched_messages = 0

    @property
    def model_name(self) -> str:
        return str(self.classifier.name)

    @property
    def model_version(self) -> str:
        return str(self.classifier.version)

    @property
    def model_thresholds(self) -> dict[str, float]:
        """The model's own per-label thresholds (what sensitivity `normal` means)."""
        own = getattr(self.classifier, "thresholds", None)
        labels = list(self.classifier.labels)
        if own is None:
            return dict.fromkeys(labels, 0.5)
        return {lab: round(float(own[j]), 4) for j, lab in enumerate(labels)}

    async def classify(
        self,
        texts: list[str],
        sent_ats: list[datetime | None],
        business_hours: BusinessHours | None = None,
        thresholds: Mapping[str, float] | None = None,
    ) -> list[Prediction]:
        """Predictions for `texts`, in order; `sent_ats` aligns with them.

        `thresholds` (label -> cut-off, see service.sensitivity) decide the labels and spans
        instead of the model's own, from the same forward pass.
        Raises `Overloaded` when too many messages are waiting (the API answers 503).
        """
        if len(texts) != len(sent_ats):
            raise ValueError("texts and sent_ats must have the same length")
        if not texts:
            return []
        queue = self._ensure_workers()
        if self._waiting and self._waiting + len(texts) > self.max_queue:
            raise Overloaded(self._waiting)
        loop = asyncio.get_running_loop()
        cut = dict(thresholds) if thresholds else None
        if cut == self.model_thresholds:
            cut = None  # the model's own: no need to split batches for it
        req = _Request(list(texts), list(sent_ats), business_hours, loop.create_future(), cut)
        self._waiting += len(texts)
        queue.put_nowait(req)
        return await req.future

    async def aclose(self) -> None:
        """Stop the batch workers (they restart on the next call)."""
        tasks, self._tasks = self._tasks, []
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await t
        self._queue, self._loop, self._waiting = None, None, 0

    # ------------------------------------------------------------------ workers
    def _ensure_workers(self) -> asyncio.Queue[_Request]:
        """Workers live on the running loop; a new loop (tests, restarts) gets new ones."""
        loop = asyncio.get_running_loop()
        if self._queue is None or self._loop is not loop or not any(
            not t.done() for t in self._tasks
        ):
            self._loop, self._queue, self._waiting = loop, asyncio.Queue(), 0
            self._tasks = [loop.create_task(self._worker(self._queue), name=f"inference-{i}")
                           for i in range(self.workers)]
        return self._queue

    async def _worker(self, queue: asyncio.Queue[_Request]) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await queue.get()]
            n = len(batch[0].texts)
            deadline = loop.time() + self.max_wait_s
            while n < self.max_batch:
                if queue.empty():
                    remaining = deadline - loop.time()
                    if remaining <= 0:
                        break
                    try:
                        batch.append(await asyncio.wait_for(queue.get(), remaining))
                    except TimeoutError:
                        break
                else:
                    batch.append(queue.get_nowait())
                n += len(batch[-1].texts)
            self._waiting -= n
            live = [r for r in batch if not r.future.done()]  # callers may have gone
            try:
                if live:
                    await self._run(live)
            except Exception as exc:  # never leave a caller waiting on a dead batch
                logger.exception("inference worker failed")
                for req in live:
                    _settle(req, exc)

    async def _run(self, batch: list[_Request]) -> None:
        """One predict call per business-hours and thresholds setting in the batch (usually
        one)."""
        groups: list[list[_Request]] = []
        for req in batch:
            for g in groups:
                if (g[0].business_hours == req.business_hours
                        and g[0].thresholds == req.thresholds):
                    g.append(req)
                    break
            else:
                groups.append([req])
        for group in groups:
            try:
                results = await anyio.to_thread.run_sync(self._predict, group)
            except Exception as exc:  # one bad request must not fail its neighbours
                if len(group) == 1:
                    _settle(group[0], exc)
                    continue
                logger.warning("batch of %d failed (%s); retrying one by one", len(group), exc)
                for req in group:
                    try:
                        _settle(req, await anyio.to_thread.run_sync(self._predict, [req]))
                    except Exception as one:
                        _settle(req, one)
                continue
            start = 0
            for req in group:
                _settle(req, results[start : start + len(req.texts)])
                start += len(req.texts)

    def _predict(self, group: list[_Request]) -> list[Prediction]:
        texts = [t for r in group for t in r.texts]
        sent_ats = [s for r in group for s in r.sent_ats]
        start = time.perf_counter()
        hours, cut = group[0].business_hours, group[0].thresholds
        if cut is None:
            out = self.classifier.predict(texts, sent_ats, business_hours=hours)
        else:
            out = self.classifier.predict(  # type: ignore[call-arg]
                texts, sent_ats, business_hours=hours, thresholds=cut)
        seconds = time.perf_counter() - start
        self.batches += 1
        self.batched_messages += len(texts)
        if self._on_inference is not None:
            self._on_inference(seconds, len(texts))
        logger.debug("batch of %d messages (%d requests) in %.1f ms", len(texts), len(group),
                     seconds * 1e3)
        return list(out)


def _settle(req: _Request, outcome: list[Prediction] | BaseException) -> None:
    if req.future.done():
        return
    if isinstance(outcome, BaseException):
        req.future.set_exception(outcome)
    else:
        req.future.set_result(outcome)
