"""Prometheus metrics, one registry per app so several apps (tests) never collide."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "toneguard_http_requests_total",
            "HTTP requests by route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "toneguard_http_request_duration_seconds",
            "HTTP request latency by route template.",
            ["method", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.labels_flagged = Counter(
            "toneguard_labels_flagged_total",
            "Labels flagged on classified or ingested messages.",
            ["label", "source"],
            registry=self.registry,
        )
        self.messages_ingested = Counter(
            "toneguard_messages_ingested_total",
            "Messages stored (replays of a known message_id are not counted).",
            registry=self.registry,
        )
        self.inference_seconds = Histogram(
            "toneguard_model_inference_seconds",
            "Wall time of one model call (a batch of messages).",
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.inference_messages = Counter(
            "toneguard_model_messages_total",
            "Messages run through the model.",
            registry=self.registry,
        )

    def observe_inference(self, seconds: float, n: int) -> None:
        self.inference_seconds.observe(seconds)
        self.inference_messages.inc(n)

    def count_labels(self, labels: list[str], source: str) -> None:
        for label in labels:
            self.labels_flagged.labels(label=label, source=source).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
