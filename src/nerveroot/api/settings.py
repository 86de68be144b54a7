"""Server settings: read once from the environment, overridable in code (tests pass their own)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

CORS_ENV = "NERVEROOT_CORS_ORIGINS"
ACCESS_LOG_ENV = "NERVEROOT_ACCESS_LOG"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def _origins(raw: str) -> tuple[str, ...]:
    return tuple(o.strip() for o in raw.split(",") if o.strip())


@dataclass(frozen=True)
class Settings:
    """How the app behaves; records' database location comes from nerveroot.records.settings.

    ``cors_origins`` empty means CORS is off (no CORS headers at all); list explicit origins to enable it.
    ``access_log`` logs one path-only line per request (method, path, status, time; never bodies or queries).
    """

    database_url: str | None = None
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    access_log: bool = True
    static: bool = True

    @classmethod
    def from_env(cls) -> Settings:
        """NERVEROOT_CORS_ORIGINS (comma-separated origins) and NERVEROOT_ACCESS_LOG (0 to silence)."""
        return cls(
            cors_origins=_origins(os.environ.get(CORS_ENV, "")),
            access_log=os.environ.get(ACCESS_LOG_ENV, "1").strip().lower() not in {"0", "false", "no", "off"},
        )
