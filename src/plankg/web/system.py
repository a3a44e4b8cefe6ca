"""System pages under ``/-/``: health, version, effective configuration."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from plankg import __version__
from plankg.web.state import state

bp = Blueprint("system", __name__, url_prefix="/-")


@bp.get("/health")
def health() -> Response:
    """200 while the server can answer queries."""
    app_state = state()
    app_state.pool.check()  # a store that cannot be read answers 503 at once (errors.py)
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
