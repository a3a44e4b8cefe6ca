"""System pages under ``/-/``: health, version, effective configuration."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from plankg import __version__
from plankg.domain.evaluate import QueryFailed
from plankg.web.state import state

bp = Blueprint("system", __name__, url_prefix="/-")


@bp.get("/health")
def health() -> Response:
    """200 while the server can answer queries."""
    app_state = state()
    broken = getattr(app_state.pool, "broken", None)
    if broken:  # the query processes cannot open the store: answer at once, never hang
        raise QueryFailed("unavailable", broken)
    if app_state.prepared.remote:
        app_state.store.query("ASK { ?s ?p ?o }", timeout=5.0)  # a store that is down answers 503 (errors.py)
    return jsonify(status="ok", data_version=app_state.prepared.version, query_workers=len(app_state.pool.pids))


@bp.get("/version")
def version() -> Response:
    """The software version, the data version, when the data were built and loaded."""
    prepared = state().prepared
    return jsonify(
        software_version=__version__,
        data_version=prepared.version,
        built_at=prepared.built_at,
        loaded_at=prepared.loaded_at,
        quads=prepared.quads,
        **current_app.extensions["plankg-reload"],
    )


@bp.get("/config")
def config() -> Response:
    """The effective configuration (secrets redacted)."""
    return jsonify(state().config.as_public_dict())
