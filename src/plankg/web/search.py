"""``/search?q=``: find anything plankg holds by what people call it; HTML or JSON by negotiation.

The index is built once per data version (``AppState.search``); a query is a few milliseconds.
A query longer than ``search.MAX_QUERY`` characters or holding control characters is a 400.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request

from plankg.domain.search import KINDS, Hit
from plankg.tables.formats import HTML
from plankg.tables.negotiate import choose_format
from plankg.web.errors import ProtocolError
from plankg.web.messages import TEXT, ui_language
from plankg.web.params import int_param, read_query
from plankg.web.security import open_cors
from plankg.web.state import local_href, state

bp = Blueprint("search", __name__)


def hit_json(hit: Hit, lang: str) -> dict[str, Any]:
    """One hit as data: its URI, page, kind, names and score."""
    entry = hit.entry
    return {
        "id": entry.uri,
        "name": entry.name(lang),
        "kind": entry.kind,
        "page": local_href(entry.uri),
        "names": entry.names,
        "alternatives": entry.alternatives,
        "identifiers": entry.identifiers,
        "score": hit.score,
    }


@bp.get("/search")
def search() -> Response:
    """Hits for ``q`` (optionally ``kind`` and ``limit``), as a page or as JSON."""
    chosen = choose_format(None, request.args.get("format"), request.headers.get("Accept"), "search")
    lang = ui_language()
    text = read_query(request.args.get("q"))
    kinds = request.args.getlist("kind")
    if any(k not in KINDS for k in kinds):
        raise ProtocolError(400, f"kind must be one of: {', '.join(KINDS)}")
    limit = int_param("limit", 10, 1, 50)
    hits = state().search.find(text, limit, kinds) if text else []
    if chosen is not HTML:
        response = jsonify(query=text, results=[hit_json(h, lang) for h in hits])
        response.headers["Vary"] = "Accept"
        return open_cors(response)
    body = render_template("search.html", query=text, hits=hits, text=TEXT[lang], lang=lang, href=local_href)
    return Response(body, content_type=HTML.content_type, headers={"Vary": "Accept, Accept-Language"})
