"""`python -m` scripts on typer, like the `toneguard` commands: `main(argv) -> exit code`."""

from __future__ import annotations

import functools
from collections.abc import Callable


def run_command(command: Callable[..., int | None], argv: list[str] | None, prog: str,
                doc: str | None = None) -> int:
    """Parse `argv` (default: the process's arguments) for the typer-annotated `command`,
    run it and return the exit code it returns; bad usage prints typer's error and gives 2."""
    import typer

    @functools.wraps(command)
    def exiting(*args: object, **kwargs: object) -> None:
        code = command(*args, **kwargs)
        if code:
            raise typer.Exit(code)

    app = typer.Typer(add_completion=False, rich_markup_mode=None)
    app.command(help=doc)(exiting)
    try:
        app(args=argv, prog_name=prog)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def comma_list(value: str) -> list[str]:
    """`a,b c` -> ["a", "b", "c"]: a list option given as one value."""
    return [x for x in value.replace(",", " ").split() if x]
