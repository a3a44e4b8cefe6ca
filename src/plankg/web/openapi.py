"""The OpenAPI 3.1 description of plankg's HTTP interface, served at ``/-/openapi.json``.

The description is a data file (``openapi.json`` beside this module): every route, parameter and
header a client may send, every status plankg answers with, and the one form errors take
(``{"status", "error", "message"}`` as JSON when the client prefers JSON, the same in plain text
otherwise). Only the software version is filled in here. The property-based tests (schemathesis)
fuzz the live server against it, and a test checks that it documents every route.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, jsonify

from plankg import __version__

bp = Blueprint("openapi", __name__)
DESCRIPTION = Path(__file__).resolve().parent / "openapi.json"


@functools.cache
def document() -> dict[str, Any]:
    """The OpenAPI document, read once, with this software's version."""
    described: dict[str, Any] = json.loads(DESCRIPTION.read_text("utf-8"))
    described["info"]["version"] = __version__
    return described


@bp.get("/-/openapi.json")
def openapi() -> Response:
    """The OpenAPI description of this server."""
    return jsonify(document())
