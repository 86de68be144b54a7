"""Server settings: read once from the environment, overridable in code (tests pass their own)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

CORS_ENV = "NERVEROOT_CORS_ORIGINS"
ACCESS_LOG_ENV = "NERVEROOT_ACCESS_LOG"
MAX_BODY_ENV = "NERVEROOT_MAX_BODY_BYTES"
DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def _origins(raw: str) -> tuple[str, ...]:
    return tuple(o.strip() for o in raw.split(",") if o.strip())


@dataclass(frozen=True)
class Settings:
    """How the app behaves; records' database location comes from nerveroot.records.settings.

    ``cors_origins`` empty means CORS is off (no CORS headers at all); list explicit origins to enable it.
    ``access_log`` logs one path-only line per request (method, route, status, time; never bodies or queries).
    ``preload_language`` builds the free-text pipeline at start-up, in the background (not on the first note).
    ``max_body_bytes`` caps every request body (413 past it, checked before auth and before reading it all).
    """

    database_url: str | None = None
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    access_log: bool = True
    static: bool = True
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    preload_language: bool = True

    @classmethod
    def from_env(cls) -> Settings:
        """NERVEROOT_CORS_ORIGINS (comma-separated origins), NERVEROOT_ACCESS_LOG (0 to silence) and
        NERVEROOT_MAX_BODY_BYTES (a positive integer)."""
        raw_cap = os.environ.get(MAX_BODY_ENV, "").strip()
        if raw_cap and (not raw_cap.isdigit() or int(raw_cap) < 1):
            raise ValueError(f"{MAX_BODY_ENV} must be a positive integer (bytes), got {raw_cap!r}")
        return cls(
            cors_origins=_origins(os.environ.get(CORS_ENV, "")),
            access_log=os.environ.get(ACCESS_LOG_ENV, "1").strip().lower() not in {"0", "false", "no", "off"},
            max_body_bytes=int(raw_cap) if raw_cap else DEFAULT_MAX_BODY_BYTES,
        )
