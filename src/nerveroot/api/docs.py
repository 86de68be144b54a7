"""Self-hosted API documentation: Swagger UI served from the `swagger-ui-bundle` package (Apache-2.0), no CDN.

The page loads only same-origin files (the bundle and a small start script), so it runs under the strict CSP.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs/assets"
PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>nerveroot API</title>
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="/docs/start.js"></script>
</body>
</html>
"""


def _bundle() -> Path | None:
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:  # pragma: no cover - a dependency; absent only in a broken install
        return None
    return Path(str(swagger_ui_path))


def install(app: FastAPI) -> None:
    """GET /docs (the page), /docs/start.js and /docs/assets/* (the bundle's files)."""
    bundle = _bundle()
    if bundle is None or not bundle.is_dir():
        return
    start = Path(str(resources.files("nerveroot.api") / "docs_start.js"))

    @app.get("/docs", include_in_schema=False)
    def docs_page() -> HTMLResponse:
        return HTMLResponse(PAGE)

    @app.get("/docs/start.js", include_in_schema=False)
    def docs_start() -> FileResponse:
        return FileResponse(start, media_type="text/javascript")

    app.mount(ASSETS, StaticFiles(directory=bundle), name="docs-assets")
