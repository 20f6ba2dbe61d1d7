"""`toneguard backfill`: the command line around service.backfill.pipeline.

Heavy imports (Ray, the model, SQLAlchemy) happen inside the command, so `toneguard
--help` stays fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from service.backfill.writer import BadRow


class BarProgress:
    """A progress bar on stderr (rows, rate, ETA); bad rows printed above it as they come."""

    def __init__(self) -> None:
        self.bar: Any = None

    def start(self, total: int) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=total, unit="msg", file=sys.stderr, smoothing=0.05,
                        mininterval=0.5, dynamic_ncols=True, desc="backfill")

    def advance(self, rows: int, bad: list[BadRow]) -> None:
        for b in bad:
            self.bar.write(f"bad row {b.src}: {b.reason}", file=sys.stderr)
        self.bar.update(rows)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def backfill(
    inputs: Annotated[list[Path], typer.Argument(
        metavar="INPUT...", help="JSONL, CSV, Parquet or mbox files, or folders of Chatwoot "
        "or Zammad API pages.")],
    tenant: Annotated[str, typer.Option("--tenant", help="The tenant the history belongs "
                                        "to (it must exist).")],
    fmt: Annotated[str, typer.Option("--format", help="auto, jsonl, csv, parquet, mbox, "
                                     "chatwoot or zammad.")] = "auto",
    parquet: Annotated[Path | None, typer.Option("--parquet", metavar="OUT", help="Also "
                                                 "write every message's result here.")] = None,
    address: Annotated[str | None, typer.Option("--address", help="Join this Ray cluster "
                                                "(e.g. auto, or ray://head:10001) instead "
                                                "of starting one here.")] = None,
    threads: Annotated[int, typer.Option(min=1, help="Cores per model actor.")] = 1,
    actors: Annotated[int | None, typer.Option(min=1, help="Model actors (default: "
                                               "cores // threads).")] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Messages per model call.")] = 256,
    model: Annotated[Path | None, typer.Option(help="Model folder [TONEGUARD_MODEL_DIR].")]
    = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")]
    = False,
) -> None:
    """Score a helpdesk's history in bulk and build each client's tallies from it.

    Re-running is safe: a message id already stored is not scored or counted again, so a
    run that was interrupted (even with kill -9) finishes the rest when started again.
    """
    from sqlalchemy import select

    from service.backfill.pipeline import ClusterUnreachable, Options, run
    from service.backfill.readers import InputError
    from service.config import Settings
    from service.context import TenantContext
    from service.db.migrate import DatabaseNotInitialised, open_database
    from service.db.models import Tenant
    from service.db.session import Database

    settings = Settings() if model is None else Settings(model_dir=model)
    db = Database(settings.database_url, settings.database_schema)
    try:
        open_database(db, create=settings.database_is_default)
        with db.session() as s:
            row = s.scalar(select(Tenant).where(Tenant.name == tenant))
            if row is None:
                raise InputError(f"tenant {tenant!r} does not exist; create it with "
                                 f"`toneguard keys create --tenant {tenant}`")
            ctx = TenantContext(id=row.id, name=row.name, business_hours=row.business_hours,
                                sensitivity=row.sensitivity)
        options = Options(inputs=inputs, fmt=fmt, parquet=parquet, address=address,
                          actors=actors, threads=threads, batch_size=batch_size)
        summary = run(settings, db, ctx, options, BarProgress())
    except (DatabaseNotInitialised, InputError, ClusterUnreachable) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    finally:
        db.dispose()
    if as_json:
        typer.echo(json.dumps(summary.as_dict()))
        return
    c = summary.counts
    typer.echo(f"read {c.read} rows: {c.scored} scored, {c.present} already present, "
               f"{c.bad} bad, {c.ignored} not from the client; {summary.elapsed_s:.1f} s, "
               f"{summary.msg_per_s:.1f} msg/s ({summary.actors} actors x {summary.threads} "
               "threads)")
