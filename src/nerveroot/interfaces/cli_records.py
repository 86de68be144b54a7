"""`nerveroot user|team|grant|token|audit …`, `export` and `import`: who may see what, the audit, and backups."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.console import Console

from nerveroot.errors import ConflictError, InputValidationError, NerverootError, NotFoundError, StorageError

if TYPE_CHECKING:
    from nerveroot.records.store import RecordStore

Role = Literal["clinician", "admin", "integration"]
token_app = typer.Typer(help="API tokens for the records endpoints of `nerveroot serve`.", no_args_is_help=True)
user_app = typer.Typer(help="Named users (unique names) and their roles.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
err = Console(stderr=True)
DAYS_HELP = "Days until the token expires (1-365)."
ROLE_HELP = "clinician (own and care-team patients), admin (every patient), integration (own patients, no export)."


def register(app: typer.Typer) -> None:
    app.add_typer(token_app, name="token")
    app.add_typer(user_app, name="user")
    app.add_typer(audit_app, name="audit")
    app.command("grant")(grant_command)
    app.command("export")(export_command)
    app.command("import")(import_command)


def _fail(exc: NerverootError) -> typer.Exit:
    if isinstance(exc, InputValidationError):
        for problem in exc.problems:
            err.print(f"[red]error[/red] {problem.path}: {problem.message}", highlight=False)
        return typer.Exit(2)
    err.print(f"[red]error[/red] {exc}", highlight=False)
    return typer.Exit(1)


@contextmanager
def _store() -> Iterator[RecordStore]:
    """The configured store; input, conflict, not-found and storage errors become a message and an exit code."""
    from nerveroot.records.store import RecordStore  # SQLAlchemy only for the commands that use records

    try:
        with RecordStore() as store:
            yield store
    except (InputValidationError, ConflictError, NotFoundError, StorageError) as exc:
        raise _fail(exc) from exc


@user_app.command("add")
def add_user(
    name: Annotated[str, typer.Argument(help="Unique user name (the audit actor).")],
    role: Annotated[Role, typer.Option(help=ROLE_HELP)] = "clinician",
) -> None:
    """Add a named user with a role."""
    with _store() as store:
        user = store.create_user(name, role)
    typer.echo(f"Added {user.name} ({user.role}).")


@user_app.command("role")
def set_role(
    name: Annotated[str, typer.Argument(help="An existing user.")],
    role: Annotated[Role, typer.Argument(help=ROLE_HELP)],
) -> None:
    """Change a user's role."""
    with _store() as store:
        store.set_role(name, role)
    typer.echo(f"{name} is now {role}.")


@user_app.command("team")
def join_team(
    name: Annotated[str, typer.Argument(help="An existing user.")],
    team: Annotated[str, typer.Argument(help="Care team (created when new).")],
) -> None:
    """Put a user in a care team: members reach the patients granted to the team."""
    with _store() as store:
        store.add_to_team(team, name)
    typer.echo(f"{name} is in care team {team}.")


@user_app.command("list")
def list_users() -> None:
    """Users, roles and care teams."""
    with _store() as store:
        users = store.list_users()
    for user in users:
        typer.echo(f"{user.name}\t{user.role}\t{','.join(user.teams) or '-'}")


def grant_command(
    patient_id: Annotated[str, typer.Argument(help="The patient's id.")],
    user: Annotated[str | None, typer.Option(help="Grant to this user.")] = None,
    team: Annotated[str | None, typer.Option(help="Grant to this care team.")] = None,
) -> None:
    """Let a user or a care team see and write one patient's record."""
    with _store() as store:
        store.grant(patient_id, user=user, team=team)
    typer.echo(f"Granted patient {patient_id} to {'user ' + user if user else 'team ' + str(team)}.")


@token_app.command("create")
def create_token(
    name: Annotated[str, typer.Argument(help="The user the token acts as (created with --role when new).")],
    days: Annotated[int, typer.Option(help=DAYS_HELP)] = 90,
    role: Annotated[Role, typer.Option(help="Role of a new user (an existing user keeps its role).")] = "clinician",
) -> None:
    """Create a token and print it once; only its hash is stored."""
    with _store() as store:
        token = store.create_token(name, days=days, role=role)
    typer.echo(token)
    err.print("Copy this token now: it cannot be shown again. Send it as 'Authorization: Bearer <token>'.")


@token_app.command("list")
def list_tokens() -> None:
    """List token users, creation and expiry times (never the tokens)."""
    with _store() as store:
        tokens = store.list_tokens()
    for token in tokens:
        created = token.created_at.isoformat(timespec="seconds")
        typer.echo(f"{token.name}\t{created}\t{token.expires_at.isoformat(timespec='seconds')}\t{token.id}")


@audit_app.command("verify")
def verify_audit() -> None:
    """Check every audit row against the chain and the deployment's audit key; exit 1 on any break."""
    with _store() as store:
        verdict = store.verify_audit()
    for problem in verdict.problems:
        err.print(f"[red]tampered[/red] {problem}", highlight=False)
    if not verdict.intact:
        raise typer.Exit(1)
    typer.echo(f"Audit chain intact: {verdict.rows} rows; head {verdict.head_seq} {verdict.head_hash}.")
    err.print("Keep the head line somewhere else: rows deleted from the end show only against it.")


@token_app.command("revoke")
def revoke_tokens(name: Annotated[str, typer.Argument(help="Token name; every token with it is revoked.")]) -> None:
    """Revoke every token with this name."""
    with _store() as store:
        count = store.revoke_tokens(name)
    typer.echo(f"Revoked {count} token(s) named {name!r}.")
    if not count:
        raise typer.Exit(1)


def export_command(
    path: Annotated[Path, typer.Argument(help="JSON file to write (replaced atomically).")],
    patient: Annotated[
        str | None, typer.Option("--patient", help="Only this patient's record (as GET /api/patients/{id}/export).")
    ] = None,
) -> None:
    """Back up every record table to one JSON file (API tokens are left out), or one patient's whole record."""
    with _store() as store:
        if patient is not None:
            record = store.export_patient("cli", patient)
            from nerveroot.records.backup import write_atomic

            write_atomic(path, [(json.dumps(record, ensure_ascii=False, indent=1) + "\n").encode()])
            count = len(record["episodes"])
            typer.echo(f"Wrote patient {patient} ({count} episode{'s' if count != 1 else ''}) to {path}.")
            err.print("The file holds patient data: keep it private.")
            return
        rows = store.export_all(path)
    typer.echo(f"Wrote {rows} rows to {path}.")
    from nerveroot.records.backup import EXCLUDED

    err.print(f"Not exported — {EXCLUDED} The file holds patient data: keep it private.")


def import_command(path: Annotated[Path, typer.Argument(help="A file written by `nerveroot export`.")]) -> None:
    """Restore a backup into a database that holds no patient records yet (all or nothing)."""
    from nerveroot.knowledge.loader import default_knowledge

    with _store() as store:
        rows = store.import_all(path, kb=default_knowledge())
    typer.echo(f"Restored {rows} rows from {path}.")
