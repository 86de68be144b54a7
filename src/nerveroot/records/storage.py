"""Database failures that are the disk's or the server's, not the request's: named for people, typed for callers."""

from __future__ import annotations

import errno

from sqlalchemy.exc import DBAPIError

from nerveroot.errors import StorageError

_FULL = ("disk is full", "no space left", "could not extend file", "disk full", "quota exceeded")
_READ_ONLY = ("readonly database", "read-only", "read only", "permission denied", "unable to open database")
_UNREACHABLE = ("connection refused", "could not connect", "server closed the connection", "connection failed")


def classify(exc: BaseException) -> StorageError | None:
    """A StorageError for a full disk, a read-only or unreachable database; None for anything else."""
    if isinstance(exc, OSError):
        if exc.errno in {errno.ENOSPC, errno.EDQUOT}:
            return StorageError("the records disk is full; free space, then retry", full=True)
        if exc.errno in {errno.EROFS, errno.EACCES, errno.EPERM}:
            return StorageError("the records directory is read-only; check its permissions and mount", full=False)
        return None
    if not isinstance(exc, DBAPIError):
        return None
    text = str(exc.orig if exc.orig is not None else exc).lower()
    if any(word in text for word in _FULL):
        return StorageError(
            "the records database is full (no space left on its disk); free space, then retry", full=True
        )
    if any(word in text for word in _READ_ONLY):
        return StorageError("the records database is read-only; check the data directory or server", full=False)
    if exc.connection_invalidated or any(word in text for word in _UNREACHABLE):
        return StorageError("the records database cannot be reached; retry shortly", full=False)
    return None
