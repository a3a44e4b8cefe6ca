"""``/search?q=``: find anything plankg holds by what people call it; HTML or JSON by negotiation.

The index is built once per data version (``AppState.search``); a query is a few milliseconds.
A query longer than ``search.MAX_QUERY`` characters or holding control characters is a 400.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request

from plankg.domain.search import KINDS, MAX_QUERY, Hit
from plankg.tables.formats import HTML
from plankg.tables.negotiate import choose_format
from plankg.web.errors import ProtocolError
from plankg.web.messages import TEXT, ui_language
from plankg.web.pages import local_href
from plankg.web.security import open_cors
from plankg.web.state import state

bp = Blueprint("search", __name__)


def read_query(text: str | None) -> str:
    """The query, or a ProtocolError (400) saying what is wrong with it."""
    text = (text or "").strip()
    if len(text) > MAX_QUERY:
        raise ProtocolError(400, f"a search is at most {MAX_QUERY} characters long")
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in text):
        raise ProtocolError(400, "a search may not hold control characters")
    return text


def int_param(name: str, default: int, low: int, high: int) -> int:
    """A whole-number query parameter within [low, high], or a 400 that says so."""
    given = request.args.get(name)
    if given is None:
        return default
    if not given.strip().lstrip("+-").isdigit() or not low <= int(given) <= high:
        raise ProtocolError(400, f"{name} must be a whole number from {low} to {high}")
    return int(given)


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
