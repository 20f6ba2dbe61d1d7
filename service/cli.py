"""The `toneguard` console script: one typer app whose verbs stay stable.

Each verb lives next to the code it drives; this module only wires them up,
and those modules import heavy libraries (torch, the service) lazily.
"""

from __future__ import annotations

import typer

from service.commands import db_app, export_feedback, keys_app, serve
from training.commands import calibrate, data_app, evaluate, export, train

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="toneguard: spot difficult clients."
)

# Service verbs.
app.command("serve")(serve)
app.add_typer(keys_app, name="keys")
app.command("export-feedback")(export_feedback)
app.add_typer(db_app, name="db")

# Background jobs (write-back, alerts).
from service.jobs.cli import jobs_app  # noqa: E402

app.add_typer(jobs_app, name="jobs")

# Bulk scoring of a helpdesk's history (Ray).
from service.backfill.cli import backfill  # noqa: E402

app.command("backfill")(backfill)

# Reply-policy verbs.
from service.replies.cli import replies_app  # noqa: E402

app.add_typer(replies_app, name="replies")

# Corpus verbs.
app.add_typer(data_app, name="data")

# Classifier and training verbs.
from service.classify_cli import classify  # noqa: E402

app.command("classify")(classify)
app.command("train")(train)
app.command("evaluate")(evaluate)
app.command("calibrate")(calibrate)

# Performance verbs.
app.command("export")(export)
