"""The `toneguard` console script: one typer app whose verbs stay stable.

Each verb lives next to the code it drives; this module only wires them up,
and those modules import heavy libraries (torch, the service) lazily.
"""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False, help="toneguard: spot difficult clients.")
