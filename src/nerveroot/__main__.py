"""`python -m nerveroot`: the same command line as the `nerveroot` script."""

from nerveroot.interfaces.cli import app

app()
