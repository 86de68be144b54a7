"""`nerveroot serve`: the REST API and the web page on one local address (uvicorn, one process)."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from nerveroot.api.settings import DEFAULT_HOST, DEFAULT_PORT, Settings


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = DEFAULT_PORT,
) -> None:
    """Serve the API and web page. Records: NERVEROOT_DATABASE_URL, else SQLite in the user data directory."""
    import uvicorn  # imported here so the rest of the CLI starts fast

    from nerveroot.api.app import create_app
    from nerveroot.ehr.config import DEV_MODE_ENV, EhrSettings
    from nerveroot.ehr.jwt import is_loopback

    if EhrSettings.from_env().dev_mode:
        if not is_loopback(host):
            typer.echo(
                f"error: {DEV_MODE_ENV} is set: CDS Hooks development mode (client JWTs not verified) serves only "
                "on a loopback address; use --host 127.0.0.1 or unset it",
                err=True,
            )
            raise typer.Exit(2)
        typer.echo(f"WARNING: CDS Hooks development mode ({DEV_MODE_ENV}): client JWTs are NOT verified.", err=True)
    settings = Settings.from_env()
    if settings.access_log:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for chatty in ("httpx", "httpcore"):  # their INFO lines carry outbound FHIR URLs, which hold patient ids
        logging.getLogger(chatty).setLevel(logging.WARNING)
    config = uvicorn.Config(create_app(settings), host=host, port=port, access_log=False, log_level="warning")
    server = uvicorn.Server(config)
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"nerveroot serving on http://{shown}:{port}/ (Ctrl+C to stop)")
    server.run()
