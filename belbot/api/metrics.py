"""Prometheus metrics on a registry of the app's own (no module globals)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "belbot_requests", "HTTP requests", ["route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "belbot_request_seconds",
            "HTTP request latency",
            ["route"],
            buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32),
            registry=self.registry,
        )
        self.answers = Counter(
            "belbot_answers", "Answers by path", ["path", "cached"], registry=self.registry
        )
        self.feedback = Counter(
            "belbot_feedback", "Feedback by rating", ["rating"], registry=self.registry
        )

    def render(self) -> bytes:
        return bytes(generate_latest(self.registry))
