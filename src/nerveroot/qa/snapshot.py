"""A built `QaContext` saved on disk, keyed by the content hash of what it is built from, so `nerveroot ask`
starts without parsing the knowledge base or indexing it again.

The key covers the knowledge data files, the source and data files of the packages that build the context
(`nerveroot.qa`, `nerveroot.knowledge`: code, lexicon), the ingested documents (id and hash) and the Python version;
anything else gives a new key and a rebuild. The snapshot lives in ``$NERVEROOT_HOME/cache`` (the data directory of
the document store), only the newest is kept, and one that is unreadable, not ours or writable by others is rebuilt.
It is not used with the optional meaning encoder (a model is not saved). ``NERVEROOT_SNAPSHOT=0`` turns it off.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from nerveroot import snapshots
from nerveroot.qa.context import QaContext
from nerveroot.qa.store import Document, home

_PACKAGES = ("qa", "knowledge")
PREFIX = "qa-context-"


def snapshot_key(documents: list[Document], data_dir: Path | None = None) -> str:
    """Hash of the knowledge files, the building code, the documents and the Python version."""
    root = snapshots.PACKAGE
    files = sorted((data_dir or root / "knowledge" / "data").glob("*.yaml"))
    files += snapshots.sources(*(root / pkg for pkg in _PACKAGES), suffixes=(".py", ".yaml"))
    return snapshots.key_of("|".join(f"{doc.id}:{doc.sha256}" for doc in documents), (), files)


def enabled() -> bool:
    return snapshots.enabled() and os.environ.get("NERVEROOT_SEMANTIC") != "1"


def load_or_build(documents: list[Document], build: Callable[[], QaContext], cache: Path | None = None) -> QaContext:
    """The saved context for this key, or ``build()`` saved under it (older snapshots are removed; one that is not
    ours or is writable by others is not loaded: `nerveroot.snapshots`)."""
    return snapshots.load_or_build(PREFIX, snapshot_key(documents), QaContext, build, cache or home() / "cache")


__all__ = ["PREFIX", "enabled", "load_or_build", "snapshot_key"]
