"""`nerveroot token …`, `nerveroot export` and `nerveroot import`: API tokens and whole-database backups."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from nerveroot.errors import ConflictError, InputValidationError

if TYPE_CHECKING:
    from nerveroot.records.store import RecordStore

token_app = typer.Typer(help="API tokens for the records endpoints of `nerveroot serve`.", no_args_is_help=True)
err = Console(stderr=True)


def register(app: typer.Typer) -> None:
    app.add_typer(token_app, name="token")
    app.command("export")(export_command)
    app.command("import")(import_command)


def _fail(exc: InputValidationError | ConflictError) -> typer.Exit:
    if isinstance(exc, InputValidationError):
        for problem in exc.problems:
            err.print(f"[red]error[/red] {problem.path}: {problem.message}", highlight=False)
        return typer.Exit(2)
    err.print(f"[red]error[/red] {exc}", highlight=False)
    return typer.Exit(1)


@contextmanager
def _store() -> Iterator[RecordStore]:
    """The configured store; input and conflict errors become a message and an exit code."""
    from nerveroot.records.store import RecordStore  # SQLAlchemy only for the commands that use records

    try:
        with RecordStore() as store:
            yield store
    except (InputValidationError, ConflictError) as exc:
        raise _fail(exc) from exc


@token_app.command("create")
def create_token(name: Annotated[str, typer.Argument(help="Who or what uses the token (the audit actor).")]) -> None:
    """Create a token and print it once; only its hash is stored."""
    with _store() as store:
        token = store.create_token(name)
    typer.echo(token)
    err.print("Copy this token now: it cannot be shown again. Send it as 'Authorization: Bearer <token>'.")


@token_app.command("list")
def list_tokens() -> None:
    """List token names and creation times (never the tokens)."""
    with _store() as store:
        tokens = store.list_tokens()
    for token in tokens:
        typer.echo(f"{token.name}\t{token.created_at.isoformat(timespec='seconds')}\t{token.id}")


@token_app.command("revoke")
def revoke_tokens(name: Annotated[str, typer.Argument(help="Token name; every token with it is revoked.")]) -> None:
    """Revoke every token with this name."""
    with _store() as store:
        count = store.revoke_tokens(name)
    typer.echo(f"Revoked {count} token(s) named {name!r}.")
    if not count:
        raise typer.Exit(1)


def export_command(path: Annotated[Path, typer.Argument(help="JSON file to write (replaced atomically).")]) -> None:
    """Back up every record table to one JSON file (API tokens are left out)."""
    with _store() as store:
        rows = store.export_all(path)
    typer.echo(f"Wrote {rows} rows to {path}.")
    from nerveroot.records.backup import EXCLUDED

    err.print(f"Not exported — {EXCLUDED} The file holds patient data: keep it private.")


def import_command(path: Annotated[Path, typer.Argument(help="A file written by `nerveroot export`.")]) -> None:
    """Restore a backup into a database that holds no patient records yet (all or nothing)."""
    with _store() as store:
        rows = store.import_all(path)
    typer.echo(f"Restored {rows} rows from {path}.")
