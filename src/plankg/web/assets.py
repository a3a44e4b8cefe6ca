"""Static files and large documents for a slow phone connection: compressed, and cached by content.

Pages name static files as ``/static/{name}?v={hash}`` (the first 12 hex digits of the file's
SHA-256): a versioned name is cached for a year (``immutable``), since a changed file gets a new
name; an unversioned one for an hour, with its ETag and Last-Modified to revalidate. Text answers
(pages, scripts, styles, GeoJSON) are compressed with Flask-Compress when the client accepts it;
SPARQL results, dumps and RDF documents go exactly as before (clients of the endpoint see no change).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from flask import Flask, Response, request
from flask_compress import Compress

STATIC = Path(__file__).resolve().parent / "static"
YEAR = 365 * 24 * 3600
#: What is compressed: what browsers fetch for pages and maps.
COMPRESSED = [
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/geo+json",
    "image/svg+xml",
]


@functools.cache
def version_of(name: str) -> str:
    """The content hash that names one static file's version (read once per process)."""
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def static_url(name: str) -> str:
    """The versioned address of a static file, for templates."""
    return f"/static/{name}?v={version_of(name)}"


def _cache_static(response: Response) -> Response:
    """A year for a file named by its current version, an hour (then revalidate) otherwise."""
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    name = request.view_args.get("filename", "") if request.view_args else ""
    asked = request.args.get("v")
    if asked and (STATIC / name).is_file() and asked == version_of(name):
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    else:
        response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def install(app: Flask) -> None:
    """Versioned static addresses, their cache headers, and compression of the text answers."""
    app.config.update(
        COMPRESS_MIMETYPES=COMPRESSED, COMPRESS_ALGORITHM=["gzip"], COMPRESS_MIN_SIZE=1024, COMPRESS_REGISTER=False
    )
    compress = Compress(app)

    def compressed(response: Response) -> Response:
        """Only what browsers fetch for pages is compressed (and varies by Accept-Encoding); nothing else changes."""
        if response.mimetype not in COMPRESSED or response.status_code != 200:
            return response
        if request.endpoint == "static":
            response.direct_passthrough = False
            response.make_sequence()  # a file is read whole, so that it is compressed whole (gzip)
        return compress.after_request(response)

    app.after_request(compressed)  # installed before the other hooks: Flask runs them in reverse, so it runs last
    app.after_request(_cache_static)
    app.add_template_global(static_url, "static")
