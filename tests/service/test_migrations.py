"""Every migration goes down and up again without losing the rows it does not own.

SQLite rebuilds a table for most ALTERs; a rebuilt `messages` table would take its feedback
and label rows with it (ON DELETE CASCADE), so this walks the whole chain with data in it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from service.db.migrate import alembic_config, upgrade
from service.db.session import Database

COUNTED = ("tenants", "clients", "messages", "message_labels", "feedback", "label_tallies")


def _seed(db: Database) -> None:
    now = datetime.now(UTC)
    with db.engine.begin() as c:
        c.execute(text("INSERT INTO tenants (id, name, created_at) VALUES (1, 'acme', :t)"),
                  {"t": now})
        c.execute(text(
            "INSERT INTO clients (id, tenant_id, external_id, message_count, risk_ref, "
            "first_seen, last_seen) VALUES (1, 1, 'c1', 1, 0.0, :t, :t)"), {"t": now})
        c.execute(text(
            "INSERT INTO messages (id, tenant_id, message_id, client_pk, text, event_at, labels,"
            " model_labels, scores, spans, ignored_ranges, content_hash, model_name, "
            "model_version, corrected, created_at) VALUES (1, 1, 'm1', 1, 'you idiots', :t,"
            " '[\"aggression\"]', '[\"aggression\"]', '{}', '[]', '[]', 'h', 'n', 'v', true, :t)"),
            {"t": now})
        c.execute(text("INSERT INTO message_labels (message_pk, label) VALUES (1, 'aggression')"))
        c.execute(text(
            "INSERT INTO label_tallies (client_pk, label, n) VALUES (1, 'aggression', 1)"))
        c.execute(text(
            "INSERT INTO feedback (tenant_id, message_pk, previous_labels, labels, agent, "
            "created_at) VALUES (1, 1, '[]', '[\"aggression\"]', 'ann', :t)"), {"t": now})


def _counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as c:
        return {t: int(c.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in COUNTED}


def test_each_migration_down_and_up_keeps_the_rows(db_target):
    db = Database(db_target.url, db_target.schema)
    try:
        upgrade(db, "0001")
        _seed(db)
        before = _counts(db)
        assert all(n == 1 for n in before.values())
        cfg = alembic_config(db)
        revisions = [r.revision for r in ScriptDirectory.from_config(cfg).walk_revisions()]
        upgrade(db)
        for rev in revisions[:-1]:  # newest first; the last one is the base
            command.downgrade(cfg, "-1")
            assert _counts(db) == before, f"rows lost going below {rev}"
        upgrade(db)
        assert _counts(db) == before
    finally:
        db.dispose()
