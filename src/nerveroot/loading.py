"""Making what a process keeps until exit (imports, snapshots) without the cyclic garbage collector.

While such objects are made the collector traverses them again and again and frees nothing: about a sixth of an
`assess --text` start (two full collections of 25-60 ms and ~300 young ones). `long_lived()` pauses it while they
are made and then freezes them (`gc.freeze`), so later collections skip them. Pausing is process-wide, so it acts
in the main thread only (the server loads the note pipeline in a background thread while it answers requests).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def long_lived() -> Iterator[None]:
    """Collection paused while the block runs (in the main thread, when not already paused), then everything
    alive frozen."""
    if not gc.isenabled() or threading.current_thread() is not threading.main_thread():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
