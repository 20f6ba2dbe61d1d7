"""Micro-batching in InferenceEngine: shared forward passes, order, isolation, back-pressure.

The classifier is the real tiny ToneClassifier; `Recording` only wraps it to count calls,
to hold a batch open (so the queue fills deterministically) or to fail on one text.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from classifier.hours import BusinessHours
from service.inference import InferenceEngine, Overloaded

SATURDAY_NIGHT = datetime(2025, 3, 8, 23, 40, tzinfo=UTC)


class Recording:
    """The real classifier, plus call sizes, an optional gate and an optional poison text."""

    def __init__(self, inner: Any, gate: threading.Event | None = None, poison: str = "") -> None:
        self.inner, self.gate, self.poison = inner, gate, poison
        self.name, self.version, self.labels = inner.name, inner.version, inner.labels
        self.calls: list[int] = []
        self.entered = threading.Event()

    def predict(self, texts: list[str], sent_at: Any, business_hours: Any = None) -> Any:
        self.calls.append(len(texts))
        self.entered.set()
        if self.gate is not None:
            self.gate.wait(10)
        if self.poison in texts:
            raise ValueError("poisoned input")
        return self.inner.predict(texts, sent_at, business_hours=business_hours)


def test_concurrent_callers_share_batches_and_get_their_own_results(test_classifier):
    rec = Recording(test_classifier)
    engine = InferenceEngine(rec, max_batch=32, max_wait_s=0.05)
    texts = [f"Message {i}: where is my order? Answer me now!" for i in range(24)]

    async def run() -> list[Any]:
        return await asyncio.gather(*(engine.classify([t], [None]) for t in texts))

    results = asyncio.run(run())
    assert [r[0].text for r in results] == texts
    assert sum(rec.calls) == 24 and len(rec.calls) < 24
    assert max(rec.calls) > 1
    alone = test_classifier.predict(texts[5], None)
    for label, score in alone.scores.items():
        assert results[5][0].scores[label] == pytest.approx(score, abs=1e-3)


def test_multi_message_requests_stay_together_and_in_order(test_classifier):
    engine = InferenceEngine(Recording(test_classifier), max_wait_s=0.02)
    groups = [[f"g{g} m{i} hello" for i in range(n)] for g, n in enumerate((3, 1, 5))]

    async def run() -> list[Any]:
        return await asyncio.gather(*(engine.classify(g, [None] * len(g)) for g in groups))

    for group, preds in zip(groups, asyncio.run(run()), strict=True):
        assert [p.text for p in preds] == group


def test_different_business_hours_in_one_batch_are_applied_per_request(test_classifier):
    rec = Recording(test_classifier)
    engine = InferenceEngine(rec, max_wait_s=0.05)
    always_open = BusinessHours.from_dict({"weekly": {d: [["00:00", "24:00"]] for d in range(7)}})
    text = "Reply to me right now!"

    async def run() -> list[Any]:
        return await asyncio.gather(engine.classify([text], [SATURDAY_NIGHT]),
                                    engine.classify([text], [SATURDAY_NIGHT], always_open))

    default, open_all_week = asyncio.run(run())
    assert default[0].outside_business_hours is True
    assert open_all_week[0].outside_business_hours is False


def test_a_failing_request_does_not_fail_its_batch_neighbours(test_classifier):
    engine = InferenceEngine(Recording(test_classifier, poison="boom"), max_wait_s=0.05)

    async def run() -> list[Any]:
        return await asyncio.gather(engine.classify(["fine one"], [None]),
                                    engine.classify(["boom"], [None]),
                                    engine.classify(["fine two"], [None]),
                                    return_exceptions=True)

    first, bad, second = asyncio.run(run())
    assert isinstance(bad, ValueError)
    assert first[0].text == "fine one" and second[0].text == "fine two"


def test_full_queue_raises_overloaded(test_classifier):
    gate = threading.Event()
    rec = Recording(test_classifier, gate=gate)
    engine = InferenceEngine(rec, max_batch=1, max_wait_s=0.0, max_queue=3)

    async def run() -> tuple[list[Any], Overloaded]:
        busy = asyncio.ensure_future(engine.classify(["held in the model"], [None]))
        while not rec.entered.is_set():  # the worker is now inside predict, holding the gate
            await asyncio.sleep(0.005)
        queued = [asyncio.ensure_future(engine.classify([f"q{i}"], [None])) for i in range(3)]
        await asyncio.sleep(0.01)
        with pytest.raises(Overloaded) as err:
            await engine.classify(["one too many"], [None])
        gate.set()
        done = await asyncio.gather(busy, *queued)
        return done, err.value

    done, exc = asyncio.run(run())
    assert [d[0].text for d in done] == ["held in the model", "q0", "q1", "q2"]
    assert exc.retry_after == 1 and "busy" in str(exc)  # the API answers it with a 503


def test_cancelled_caller_does_not_stall_the_worker(test_classifier):
    gate = threading.Event()
    rec = Recording(test_classifier, gate=gate)
    engine = InferenceEngine(rec, max_batch=1, max_wait_s=0.0)

    async def run() -> Any:
        busy = asyncio.ensure_future(engine.classify(["first"], [None]))
        while not rec.entered.is_set():
            await asyncio.sleep(0.005)
        gone = asyncio.ensure_future(engine.classify(["caller hangs up"], [None]))
        await asyncio.sleep(0.01)
        gone.cancel()
        gate.set()
        await busy
        return await engine.classify(["after"], [None])

    assert asyncio.run(run())[0].text == "after"
    assert rec.calls == [1, 1]  # the cancelled request never reached the model


def test_engine_survives_a_new_event_loop(test_classifier):
    engine = InferenceEngine(test_classifier)
    assert asyncio.run(engine.classify(["one"], [None]))[0].text == "one"
    assert asyncio.run(engine.classify(["two"], [None]))[0].text == "two"


def test_overloaded_reaches_the_client_as_json_503(app_settings, test_classifier):
    """Through the real app: a full queue answers 503 + Retry-After, never a 500 or a hang."""
    from service.main import create_app
    from service.tenants import create_key

    gate = threading.Event()
    rec = Recording(test_classifier, gate=gate)
    app = create_app(app_settings, classifier=rec)

    async def run() -> tuple[list[int], httpx.Response]:
        async with app.router.lifespan_context(app):
            services = app.state.services
            services.engine = InferenceEngine(rec, max_batch=1, max_wait_s=0.0, max_queue=1)
            with services.db.session() as s:
                key = create_key(s, "acme")
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t",
                                         headers={"X-API-Key": key}) as client:
                body = {"messages": [{"text": "hello"}]}
                first = asyncio.ensure_future(client.post("/v1/classify", json=body))
                while not rec.entered.is_set():
                    await asyncio.sleep(0.005)
                second = asyncio.ensure_future(client.post("/v1/classify", json=body))
                await asyncio.sleep(0.05)
                third = await client.post("/v1/classify", json=body)
                gate.set()
                ok = [r.status_code for r in await asyncio.gather(first, second)]
                return ok, third

    ok, third = asyncio.run(run())
    assert ok == [200, 200]
    assert third.status_code == 503
    assert third.headers["retry-after"] == "1"
    assert third.json()["error"] == "unavailable"
