"""Run the packaged Alembic migrations programmatically, once across worker processes.

A database is created only on purpose: `toneguard db init` (or the embedded default
SQLite file on first use). Every other start on a URL that holds no toneguard database
fails with `DatabaseNotInitialised`, so a mistyped URL cannot silently start empty.
"""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from service.db.session import Database

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Alembic's bookkeeping table: present in every database toneguard has migrated.
VERSION_TABLE = "alembic_version"
INIT_HINT = ("check TONEGUARD_DATABASE_URL (and TONEGUARD_DATABASE_SCHEMA), or create the "
             "database on purpose with `toneguard db init`")
# Arbitrary constant key for pg_advisory_lock: serialises migrations of several replicas.
_PG_LOCK_KEY = 7_361_942


def alembic_config(db: Database) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["database"] = db
    return cfg


@contextmanager
def _migration_lock(db: Database) -> Iterator[None]:
    url = make_url(db.url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            yield
            return
        lock_path = Path(url.database).with_suffix(".migrate.lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
        return
    with db.engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK_KEY})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
            conn.commit()


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema to `revision`; safe to call from every worker at start-up."""
    with _migration_lock(db):
        command.upgrade(alembic_config(db), revision)
    logger.debug("database at revision %s", revision)


class DatabaseNotInitialised(RuntimeError):
    """The configured URL does not hold a toneguard database (and creating it was not asked)."""


def display_url(db: Database) -> str:
    """The URL without its password, plus the schema: for messages and logs."""
    shown = make_url(db.url).render_as_string(hide_password=True)
    return f"{shown} (schema {db.schema})" if db.schema else shown


def _sqlite_path(db: Database) -> Path | None:
    url = make_url(db.url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def missing_reason(db: Database) -> str | None:
    """Why `db` is not a toneguard database (no file, no schema, no tables), or None.

    Looks before it touches: an absent SQLite file is not created by the check.
    """
    url = make_url(db.url)
    if url.get_backend_name() == "sqlite":
        path = _sqlite_path(db)
        if path is None:
            return None  # in memory: nothing to protect
        if not path.is_file():
            return f"the SQLite file {path} does not exist"
    try:
        inspector = inspect(db.engine)
        if db.schema and db.schema not in inspector.get_schema_names():
            return f"the schema {db.schema!r} does not exist in {display_url(db)}"
        if not inspector.has_table(VERSION_TABLE, schema=db.schema):
            return f"{display_url(db)} holds no toneguard tables"
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise DatabaseNotInitialised(
            f"cannot open the database {display_url(db)}: {first[0] if first else exc}"
        ) from exc
    return None


def _create_schema(db: Database) -> None:
    if db.schema and db.dialect == "postgresql":
        with db.engine.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{db.schema}"'))
            conn.commit()


def init_database(db: Database) -> bool:
    """Create the database (SQLite file or PostgreSQL schema) if needed and migrate it.

    Returns True when it was new; an existing one is only brought to the latest revision.
    """
    reason = missing_reason(db)
    if reason is not None:
        path = _sqlite_path(db)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        _create_schema(db)
    upgrade(db)
    return reason is not None


def open_database(db: Database, create: bool) -> None:
    """Migrate an existing toneguard database; create a missing one only when `create`.

    Raises DatabaseNotInitialised, naming the URL and the fix, when it is missing.
    """
    reason = missing_reason(db)
    if reason is not None:
        if not create:
            raise DatabaseNotInitialised(f"no toneguard database: {reason}; {INIT_HINT}")
        logger.warning("creating a new toneguard database at %s (%s)", display_url(db), reason)
        init_database(db)
        return
    upgrade(db)
