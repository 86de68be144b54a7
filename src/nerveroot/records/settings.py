"""Where the records live: the user data directory and the database URL (env overrides)."""

from __future__ import annotations

import os
from pathlib import Path

from nerveroot.errors import InputValidationError, Problem

HOME_ENV = "NERVEROOT_HOME"
URL_ENV = "NERVEROOT_DATABASE_URL"
DB_FILENAME = "records.sqlite3"


def data_dir() -> Path:
    """NERVEROOT_HOME, else $XDG_DATA_HOME/nerveroot, else ~/.local/share/nerveroot (not created here)."""
    if home := os.environ.get(HOME_ENV):
        return Path(home).expanduser()
    if xdg := os.environ.get("XDG_DATA_HOME"):
        return Path(xdg).expanduser() / "nerveroot"
    return Path.home() / ".local" / "share" / "nerveroot"


def normalise_url(url: str) -> str:
    """Use the psycopg 3 driver for plain PostgreSQL URLs (`postgres://`, `postgresql://`)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def database_url() -> str:
    """NERVEROOT_DATABASE_URL (normalised) if set, else the SQLite file in the data directory."""
    if url := os.environ.get(URL_ENV, "").strip():
        return normalise_url(url)
    return sqlite_url(data_dir() / DB_FILENAME)


def dialect_of(url: str) -> str:
    """'sqlite' or 'postgresql' (the two back ends nerveroot supports)."""
    scheme = url.split(":", 1)[0].split("+", 1)[0]
    if scheme in {"sqlite", "postgresql"}:
        return scheme
    raise InputValidationError(
        [Problem("database_url", f"unsupported scheme {scheme!r}; use sqlite:/// or postgresql://")]
    )
