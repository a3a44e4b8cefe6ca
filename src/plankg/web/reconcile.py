"""``/reconcile``: the Reconciliation Service API 0.2 (what OpenRefine speaks) over plankg's index.

GET with no parameters gives the manifest; ``queries=`` (GET or POST form) a result batch;
``extend=`` a data extension; ``/reconcile/suggest/{entity,type,property}?prefix=``,
``/reconcile/preview?id=`` and ``/reconcile/propose_properties?type=`` the rest. Absolute URLs in
the manifest come from the configured base (``--base-uri``), never from the Host header: to use a
local server from OpenRefine, start it with ``--base-uri http://127.0.0.1:5000/``. CORS is open, as
for SPARQL. Malformed requests are 400s that say what is wrong.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request

from plankg import __version__
from plankg.domain.reconcile import (
    DEFAULT_TYPES,
    TYPES,
    BadRequest,
    Reconciler,
    propose_properties,
    suggest_properties,
    suggest_types,
)
from plankg.tables.vocab import PREFIXES
from plankg.web.errors import NotHeld, ProtocolError
from plankg.web.messages import TEXT, ui_language
from plankg.web.params import int_param, read_query
from plankg.web.security import open_cors
from plankg.web.state import local_href, state

bp = Blueprint("reconcile", __name__, url_prefix="/reconcile")
bp.after_request(open_cors)


def reconciler() -> Reconciler:
    """The reconciler of the data version this request is served from."""
    app_state = state()
    return Reconciler(
        app_state.search, app_state.atlas, app_state.config.base_uri + "id/", app_state.config.current_day()
    )


def manifest() -> dict[str, Any]:
    """The service manifest (https://reconciliation-api.github.io/specs/0.2/#service-manifest)."""
    base = state().config.base_uri
    service = {"service_url": base.rstrip("/"), "service_path": ""}
    return {
        "versions": ["0.2"],
        "name": "plankg: danske kommuner, regioner og planlægningssamarbejder",
        "identifierSpace": base + "id/",
        "schemaSpace": PREFIXES["plankg"],
        "documentation": base,
        "serviceVersion": __version__,
        "defaultTypes": [{"id": kind, "name": TYPES[kind]} for kind in DEFAULT_TYPES],
        "view": {"url": base + "id/{{id}}"},
        "preview": {"url": base + "reconcile/preview?id={{id}}", "width": 420, "height": 180},
        "suggest": {
            kind: {**service, "service_path": f"/reconcile/suggest/{kind}"} for kind in ("entity", "type", "property")
        },
        "extend": {
            "propose_properties": {**service, "service_path": "/reconcile/propose_properties"},
            "property_settings": [],
        },
    }


@bp.route("", methods=["GET", "POST"])
def service() -> Response:
    """The manifest, a reconciliation batch or a data extension, by what the request carries."""
    values = request.values
    try:
        if "queries" in values:
            return jsonify(reconciler().reconcile(_json(values["queries"], "queries")))
        if "extend" in values:
            return jsonify(reconciler().extend(_json(values["extend"], "extend")))
    except BadRequest as error:
        raise ProtocolError(400, str(error)) from error
    return jsonify(manifest())


def _json(text: str, name: str) -> Any:
    if len(text) > 1_000_000:
        raise ProtocolError(413, f"{name} is larger than 1 MB")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ProtocolError(400, f"{name} is not JSON: {error}") from error


@bp.get("/suggest/<kind>")
def suggest(kind: str) -> Response:
    """Suggestions for a prefix: entities, types or properties."""
    prefix = read_query(request.args.get("prefix"))
    try:
        if kind == "entity":
            return jsonify(reconciler().suggest_entities(prefix, request.args.get("type") or None))
        if kind == "type":
            return jsonify(suggest_types(prefix))
        if kind == "property":
            return jsonify(suggest_properties(prefix))
    except BadRequest as error:
        raise ProtocolError(400, str(error)) from error
    raise NotHeld("suggest serves entity, type and property")


@bp.get("/propose_properties")
def proposed_properties() -> Response:
    """The columns a sheet of entities of a type can be extended with."""
    try:
        proposal = propose_properties(request.args.get("type", ""), int_param("limit", 10, 1, 100))
    except BadRequest as error:
        raise ProtocolError(400, str(error)) from error
    return jsonify(proposal)


@bp.get("/preview")
def preview() -> Response:
    """A small HTML card of one entity, for OpenRefine's preview."""
    recon = reconciler()
    entry = recon.entry(request.args.get("id", ""))
    if entry is None:
        raise NotHeld(f"plankg holds no entity {request.args.get('id', '')!r}", page=True)
    lang = ui_language()
    card = render_template(
        "preview.html",
        entry=entry,
        description=recon.describe(entry),
        href=local_href(entry.uri),
        text=TEXT[lang],
        lang=lang,
    )
    return Response(card, content_type="text/html; charset=utf-8", headers={"Vary": "Accept-Language"})
