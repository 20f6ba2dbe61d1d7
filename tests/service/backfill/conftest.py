"""Backfill fixtures: a history file built from the corpus, a tenant, one Ray per module."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from bench.common import test_messages

START = datetime(2025, 1, 6, 8, 0, tzinfo=timezone(timedelta(hours=3)))


def write_history(path: Path, n: int, clients: int = 12, prefix: str = "m") -> Path:
    """`n` corpus messages as JSONL, 7 h 10 min apart (days, nights and weekends)."""
    texts = [r["text"] for r in test_messages(min(n, 512))]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({
                "id": f"{prefix}{i}", "client": f"client-{i % clients}",
                "text": texts[i % len(texts)],
                "sent_at": (START + timedelta(minutes=430 * i)).isoformat(),
                "channel": "email"}, ensure_ascii=False) + "\n")
    return path


@pytest.fixture(scope="module")
def ray_session() -> Iterator[None]:
    """One embedded Ray for the module's runs (the pipeline reuses a running one)."""
    import ray

    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False,
             object_store_memory=256 * 2**20, logging_level="ERROR")
    try:
        yield
    finally:
        ray.shutdown()


@pytest.fixture
def tenant_settings(db_target: Any, migrated_db: Any, tiny_classifier_dir: Path) -> Any:
    """Settings for the tiny model on the test database, and the tenant `acme`."""
    from service.config import Settings
    from service.tenants import create_key

    with migrated_db.session() as s:
        create_key(s, "acme")
    return Settings(database_url=db_target.url, database_schema=db_target.schema,
                    model_dir=tiny_classifier_dir, bootstrap_default_tenant=False,
                    replies_mode="off")


def tenant(db: Any, name: str = "acme") -> Any:
    from sqlalchemy import select

    from service.context import TenantContext
    from service.db.models import Tenant

    with db.session() as s:
        row = s.scalar(select(Tenant).where(Tenant.name == name))
        return TenantContext(row.id, row.name, row.business_hours, row.sensitivity)


class Recorder:
    """A Progress that keeps what it was shown."""

    def __init__(self) -> None:
        self.total = -1
        self.rows = 0
        self.bad: list[Any] = []

    def start(self, total: int) -> None:
        self.total = total

    def advance(self, rows: int, bad: list[Any]) -> None:
        self.rows += rows
        self.bad.extend(bad)

    def close(self) -> None:
        pass
