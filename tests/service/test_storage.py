"""Storage: exact tallies under concurrent ingests, `db check` drift detection and repair."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from sqlalchemy import update

from classifier.types import LABELS
from service.config import Settings
from service.context import Services
from service.db.migrate import upgrade
from service.db.models import Client, LabelTally
from service.inference import InferenceEngine
from service.ingest import (
    IncomingMessage,
    InvalidMessage,
    MessageConflict,
    TextTooLong,
    ingest_message,
)
from service.integrity import check_tallies
from service.tenants import create_key, tenant_for_key
from tests.fixtures.db import DbTarget


def _services(db, test_classifier, db_target: DbTarget) -> Services:
    settings = Settings(database_url=db_target.url, database_schema=db_target.schema)
    return Services(settings=settings, db=db, engine=InferenceEngine(test_classifier, 2))


def _tenant(db, name="t"):
    with db.session() as s:
        key = create_key(s, name)
        return tenant_for_key(s, key)


def test_migrations_are_idempotent(migrated_db):
    upgrade(migrated_db)
    upgrade(migrated_db)
    assert migrated_db.ping()


def test_concurrent_ingests_count_exactly(migrated_db, test_classifier, db_target):
    services = _services(migrated_db, test_classifier, db_target)
    tenant = _tenant(migrated_db)
    msgs = [IncomingMessage(f"m{i}", "one-client", f"Message number {i}, where is my order?")
            for i in range(40)]
    # Every 4th message is sent twice, concurrently with everything else.
    work = msgs + msgs[::4]

    async def run():
        return await asyncio.gather(*(ingest_message(services, tenant, m) for m in work))

    results = asyncio.run(run())
    assert sum(r.created for r in results) == 40
    expected = Counter(label for r in results if r.created for label in r.message.labels)
    with migrated_db.session() as s:
        client = s.query(Client).one()
        assert client.message_count == 40
        tallies = {t.label: t.n for t in s.query(LabelTally).all()}
        assert {k: v for k, v in tallies.items() if v} == dict(expected)
        assert check_tallies(s, services.settings.risk_half_life_days) == []


def test_conflict_and_replay_through_the_function(migrated_db, test_classifier, db_target):
    services = _services(migrated_db, test_classifier, db_target)
    tenant = _tenant(migrated_db)
    msg = IncomingMessage("x", "c", "Hello there")
    first = asyncio.run(ingest_message(services, tenant, msg))
    second = asyncio.run(ingest_message(services, tenant, msg))
    assert first.created and not second.created
    assert second.message == first.message
    try:
        asyncio.run(ingest_message(services, tenant, IncomingMessage("x", "c", "Changed")))
    except MessageConflict:
        pass
    else:
        raise AssertionError("expected a conflict")


def test_db_check_finds_and_repairs_drift(migrated_db, test_classifier, db_target):
    services = _services(migrated_db, test_classifier, db_target)
    tenant = _tenant(migrated_db)
    for i in range(3):
        asyncio.run(ingest_message(services, tenant, IncomingMessage(f"d{i}", "c", f"text {i}")))
    half_life = services.settings.risk_half_life_days
    with migrated_db.session() as s:
        assert check_tallies(s, half_life) == []
        s.execute(update(Client).values(message_count=Client.message_count + 5, risk_ref=99.0))
        # Drift of both kinds, whatever the tiny model flagged: a tally row that counts a
        # label never flagged, and inflated rows for the labels that were.
        flagged = {label for (label,) in s.query(LabelTally.label).filter(LabelTally.n > 0)}
        s.query(LabelTally).filter(LabelTally.n == 0).delete()
        unflagged = next((label for label in LABELS if label not in flagged), None)
        if unflagged is not None:
            s.add(LabelTally(client_pk=s.query(Client.id).scalar(), label=unflagged, n=0))
        s.execute(update(LabelTally).values(n=LabelTally.n + 7))
        s.commit()
        drifts = check_tallies(s, half_life)
        fields = {d.field for d in drifts}
        assert "messages_seen" in fields and "risk" in fields
        expected = {f"count:{label}" for label in flagged | ({unflagged} - {None})}
        assert expected and expected <= fields
        assert check_tallies(s, half_life, repair=True)
        assert check_tallies(s, half_life) == []
        assert s.query(Client).one().message_count == 3


def _worker(url: str, schema: str | None, model_dir: str, key: str, ids: list[int]) -> int:
    """One separate process ingesting `ids` (runs under multiprocessing 'spawn')."""
    from classifier.model import ToneClassifier
    from service.db.session import Database

    db = Database(url, schema)
    services = Services(settings=Settings(database_url=url, database_schema=schema), db=db,
                        engine=InferenceEngine(ToneClassifier.from_pretrained(model_dir)))
    with db.session() as s:
        tenant = tenant_for_key(s, key)

    async def run() -> int:
        done = await asyncio.gather(*(
            ingest_message(services, tenant, IncomingMessage(f"p{i}", "shared", f"note {i}"))
            for i in ids
        ))
        return sum(r.created for r in done)

    created = asyncio.run(run())
    db.dispose()
    return created


@pytest.mark.slow  # three spawned processes each import torch
def test_parallel_processes_count_exactly(migrated_db, db_target, tiny_classifier_dir):
    import multiprocessing as mp

    with migrated_db.session() as s:
        key = create_key(s, "procs")
    # Three processes with overlapping ranges: 0..59 distinct ids, many sent 2-3 times.
    parts = [list(range(0, 40)), list(range(20, 60)), list(range(0, 60, 3))]
    ctx = mp.get_context("spawn")
    with ctx.Pool(3) as pool:
        created = pool.starmap(
            _worker,
            [(db_target.url, db_target.schema, str(tiny_classifier_dir), key, p) for p in parts],
        )
    assert sum(created) == 60
    with migrated_db.session() as s:
        assert s.query(Client).one().message_count == 60
        assert check_tallies(s, 14.0) == []


def test_ingest_function_validates_like_the_api(migrated_db, test_classifier, db_target):
    services = _services(migrated_db, test_classifier, db_target)
    tenant = _tenant(migrated_db)
    with pytest.raises(TextTooLong):
        asyncio.run(ingest_message(services, tenant, IncomingMessage("l", "c", "a" * 20_001)))
    for bad in (IncomingMessage("b", "c", "  "), IncomingMessage("b", "c", "nul\x00"),
                IncomingMessage(" ", "c", "text")):
        with pytest.raises(InvalidMessage):
            asyncio.run(ingest_message(services, tenant, bad))
    with migrated_db.session() as s:
        assert s.query(Client).count() == 0
