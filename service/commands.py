"""CLI verbs of the service: serve, keys create|list|revoke, export-feedback, db init|check.

Heavy imports (uvicorn, the app, SQLAlchemy models) happen inside the functions so that
`toneguard --help` stays fast.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from service.config import Settings
    from service.db.session import Database

keys_app = typer.Typer(no_args_is_help=True, help="Manage tenants' API keys.")
db_app = typer.Typer(no_args_is_help=True, help="Database maintenance.")


def _database() -> tuple[Settings, Database]:
    """The configured database, migrated; exit 2 with the fix when it does not exist
    (only the embedded default SQLite file is created on first use)."""
    from service.config import Settings
    from service.db.migrate import DatabaseNotInitialised, open_database
    from service.db.session import Database

    settings = Settings()
    db = Database(settings.database_url, settings.database_schema)
    try:
        open_database(db, create=settings.database_is_default)
    except DatabaseNotInitialised as exc:
        db.dispose()
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    return settings, db


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address [TONEGUARD_HOST].")] = None,
    port: Annotated[int | None, typer.Option(help="Port [TONEGUARD_PORT].")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes [TONEGUARD_WORKERS].")]
    = None,
) -> None:
    """Run the HTTP service (and the agent console at /)."""
    import uvicorn

    from service.config import Settings

    settings = Settings()
    host = host or settings.host
    port = port or settings.port
    workers = workers or settings.workers
    _database()[1].dispose()  # refuse a missing database before any worker starts
    # Workers rebuild the app from the environment, so hand the choices over there.
    os.environ["TONEGUARD_HOST"] = host
    os.environ["TONEGUARD_PORT"] = str(port)
    uvicorn.run(
        "service.main:app_factory", factory=True, host=host, port=port, workers=workers,
        log_level=settings.log_level.lower(), proxy_headers=False,
    )


@keys_app.command("create")
def keys_create(
    tenant: Annotated[str, typer.Option("--tenant", help="Tenant name (created if new).")],
) -> None:
    """Create an API key for TENANT; the key is printed once, on the last line."""
    from service.tenants import create_key

    name = tenant.strip()
    if not name or len(name) > 100:
        typer.echo("tenant name must be 1 to 100 characters", err=True)
        raise typer.Exit(2)
    _, db = _database()
    with db.session() as s:
        key = create_key(s, name)
    typer.echo(f"Created an API key for tenant {name!r}. It is shown only now; store it safely:")
    typer.echo(key)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value else "-"


@keys_app.command("list")
def keys_list(
    tenant: Annotated[str | None, typer.Option("--tenant", help="Only this tenant's keys.")]
    = None,
) -> None:
    """List API keys: id, prefix, tenant, created, revoked (never the key itself)."""
    from service.keys import list_keys

    _, db = _database()
    with db.session() as s:
        keys = list_keys(s, tenant_name=tenant)
    db.dispose()
    if not keys:
        typer.echo(f"no keys{f' for tenant {tenant!r}' if tenant else ''}", err=True)
        return
    width = max(len("tenant"), *(len(k.tenant) for k in keys))
    typer.echo(f"{'id':>5}  {'prefix':<10}  {'tenant':<{width}}  {'created':<23}  revoked")
    for k in keys:
        typer.echo(f"{k.id:>5}  {k.prefix:<10}  {k.tenant:<{width}}  {_when(k.created_at):<23}"
                   f"  {_when(k.revoked_at)}")


@keys_app.command("revoke")
def keys_revoke(
    key_ref: Annotated[str, typer.Argument(metavar="PREFIX_OR_ID",
                                           help="The key's id or prefix from `keys list`.")],
    tenant: Annotated[str | None, typer.Option("--tenant", help="Look only among this "
                                               "tenant's keys.")] = None,
) -> None:
    """Revoke an API key: refused from then on (by running services within
    TONEGUARD_AUTH_CACHE_SECONDS)."""
    from service.keys import AmbiguousKey, KeyNotFound, find_key, revoke_key

    _, db = _database()
    try:
        with db.session() as s:
            key, owner = find_key(s, key_ref, tenant_name=tenant)
            info, changed = revoke_key(s, key, owner)
    except (KeyNotFound, AmbiguousKey) as exc:
        typer.echo(f"error: {exc.args[0]}", err=True)
        raise typer.Exit(1) from None
    finally:
        db.dispose()
    if changed:
        typer.echo(f"revoked key {info.prefix} (id {info.id}) of tenant {info.tenant!r}")
    else:
        typer.echo(f"key {info.prefix} (id {info.id}) of tenant {info.tenant!r} was already "
                   f"revoked on {_when(info.revoked_at)}")


def export_feedback(
    out: Annotated[Path | None, typer.Option("--out", help="JSONL file (default: stdout).")]
    = None,
    tenant: Annotated[str | None, typer.Option(help="Only this tenant's corrections.")] = None,
) -> None:
    """Write agents' label corrections as JSONL ({"text", "labels", ...}) for `toneguard train`."""
    from service.feedback import feedback_records, write_jsonl

    _, db = _database()
    with db.session() as s:
        if out is None:
            n = write_jsonl(feedback_records(s, tenant), sys.stdout)
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            with out.open("w", encoding="utf-8") as fh:
                n = write_jsonl(feedback_records(s, tenant), fh)
    typer.echo(f"exported {n} corrected message(s)", err=True)


@db_app.command("init")
def db_init() -> None:
    """Create the configured database (SQLite file or PostgreSQL schema) and migrate it.

    The one way to start on a new database; every other verb refuses a missing one."""
    from service.config import Settings
    from service.db.migrate import DatabaseNotInitialised, display_url, init_database
    from service.db.session import Database

    settings = Settings()
    db = Database(settings.database_url, settings.database_schema)
    try:
        created = init_database(db)
    except DatabaseNotInitialised as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    finally:
        db.dispose()
    state = "created a new" if created else "migrated the existing"
    typer.echo(f"{state} toneguard database at {display_url(db)}")


@db_app.command("check")
def db_check(
    repair: Annotated[bool, typer.Option("--repair", help="Rewrite wrong tallies.")] = False,
) -> None:
    """Verify every client's tallies against its stored messages (exit 1 on drift)."""
    from service.integrity import check_tallies

    settings, db = _database()
    with db.session() as s:
        drifts = check_tallies(s, settings.risk_half_life_days, repair=repair)
    for d in drifts:
        typer.echo(f"tenant {d.tenant_id} client {d.client_id!r}: {d.field} stored {d.stored} "
                   f"but messages say {d.actual}")
    if not drifts:
        typer.echo("tallies match the stored messages")
    elif repair:
        typer.echo(f"repaired {len(drifts)} difference(s)")
    else:
        typer.echo(f"{len(drifts)} difference(s); run with --repair to fix")
        raise typer.Exit(1)
