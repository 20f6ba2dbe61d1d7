"""Adapters from what helpdesks and mail servers send to `service.ingest.IncomingMessage`.

Parsing and signature checks live here, free of FastAPI, so they are tested on their own;
the routes only translate the errors below into HTTP answers.
"""

from __future__ import annotations


class PayloadError(ValueError):
    """The request is not what the sender documents (HTTP 422); ``field`` names the culprit."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class SignatureError(PermissionError):
    """Missing, malformed, stale or wrong signature (HTTP 401)."""
