"""Shared fixtures: each area keeps its own in tests/fixtures/ and is loaded here."""

pytest_plugins = [
    "tests.fixtures.model",
    "tests.fixtures.db",
    "tests.fixtures.web",
]
