"""Built objects saved on disk under a key of everything they are built from, so a command loads them instead of
building them again (the knowledge base, the intake language pipeline).

A key hashes the inputs a caller names (data, building code, library and Python versions); anything else gives a
new key and a rebuild. Snapshots live in ``$NERVEROOT_HOME/cache`` (else ``$XDG_DATA_HOME/nerveroot/cache`` or
``~/.local/share/nerveroot/cache``, the records' rule without importing the records package); only the newest of
each kind is kept; one that is unreadable, not ours, or writable by others is ignored and rebuilt (a pickle runs
code when loaded). ``NERVEROOT_SNAPSHOT=0`` turns them off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from nerveroot.loading import long_lived

T = TypeVar("T")
PACKAGE = Path(__file__).resolve().parent


def enabled() -> bool:
    return os.environ.get("NERVEROOT_SNAPSHOT", "1") != "0"


def cache_dir() -> Path:
    home = os.environ.get("NERVEROOT_HOME")
    if not home:
        home = str(Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "nerveroot")
    return Path(home).expanduser() / "cache"


def key_of(text: str, packages: Iterable[str], files: Iterable[Path]) -> str:
    """Hash of `text`, the Python version, the installed versions of `packages` and the files' names and bytes."""
    from importlib import metadata  # read the versions only when a key is made (`--help` never does)

    digest = hashlib.sha256(f"{sys.version}|{text}".encode())
    for package in packages:
        digest.update(f"|{package}={metadata.version(package)}".encode())
    for path in files:
        digest.update(str(path.relative_to(PACKAGE) if path.is_relative_to(PACKAGE) else path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def sources(*folders: Path, suffixes: tuple[str, ...] = (".py", ".yaml", ".json")) -> list[Path]:
    """The files with these suffixes under the folders, in a stable order."""
    return sorted(p for folder in folders for p in folder.rglob("*") if p.suffix in suffixes)


def trusted(path: Path) -> bool:
    info = path.stat()
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _pickled(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def load_or_build(
    prefix: str,
    key: str,
    kind: type[T],
    build: Callable[[], T],
    cache: Path | None = None,
    dumps: Callable[[T], bytes] = _pickled,
) -> T:
    """The saved `kind` under `prefix` + `key`, or ``build()`` saved there (older ones of the prefix removed)."""
    directory = cache or cache_dir()
    path = directory / f"{prefix}{key}.pickle"
    try:
        if path.is_file() and trusted(path):
            with long_lived():
                value = pickle.loads(path.read_bytes())
            if isinstance(value, kind):
                return value
    except Exception:
        pass
    value = build()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for old in directory.glob(f"{prefix}*.pickle"):
            old.unlink(missing_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, delete=False, suffix=".tmp") as tmp:
            tmp.write(dumps(value))
        os.chmod(tmp.name, 0o600)
        os.replace(tmp.name, path)
    except OSError:  # a read-only home still works, only slower
        pass
    return value
