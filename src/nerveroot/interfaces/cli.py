"""The `nerveroot` command: parses arguments and dispatches to library functions."""

from __future__ import annotations

import atexit

from nerveroot import regexes
from nerveroot.loading import long_lived

with long_lived():  # the command's modules and patterns live until exit (nerveroot.loading)
    regexes.preload()  # every pattern compiled from here on, from its saved compiled form (nerveroot.regexes)
    atexit.register(regexes.save)

    import typer

    from nerveroot.interfaces import (
        cli_assess,
        cli_batch,
        cli_eval,
        cli_intake,
        cli_interview,
        cli_kb,
        cli_qa,
        cli_records,
        cli_serve,
    )

app = typer.Typer(
    name="nerveroot",
    help="Clinical decision support for lumbar nerve root compression. Supports clinicians; does not replace them.",
    no_args_is_help=True,
    add_completion=False,
)
for module in (cli_assess, cli_batch, cli_eval, cli_intake, cli_interview, cli_kb, cli_qa, cli_records, cli_serve):
    module.register(app)
