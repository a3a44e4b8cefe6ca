"""The Flask app factory: load and index the data once, then serve."""

from __future__ import annotations

import atexit
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox
from flask import Flask
from jinja2 import StrictUndefined

from plankg.config import Config, load_config
from plankg.errors import register_error_handlers
from plankg.executor import QueryPool
from plankg.serving import Prepared, prepare
from plankg.state import AppState


def create_app(
    settings: Config | Mapping[str, Any] | None = None,
    prepared: Prepared | None = None,
    reload_status: Mapping[str, str | None] | None = None,
) -> Flask:
    """A plankg app for ``settings`` (a Config, or a mapping of overrides on the defaults)."""
    config = settings if isinstance(settings, Config) else load_config(overrides=settings)
    prepared = prepared or prepare(config)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = config.max_request_bytes
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.jinja_env.undefined = StrictUndefined  # a missing text or value is an error, not an empty cell
    pool = QueryPool(
        prepared.store_path, config.query_processes, config.result_limit, config.query_memory_mb * 1024 * 1024
    )
    atexit.register(pool.close)
    store = ox.Store.read_only(str(prepared.store_path))
    union_triples = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    from plankg import dumps, linkeddata, observability, openapi, pages, security, sparql, system

    description = dumps.description_triples(prepared.build_dir, config.base_uri)
    held = frozenset(prepared.graphs)
    app.extensions["plankg"] = AppState(config, prepared, pool, held, union_triples, store, description)
    app.extensions["plankg-reload"] = dict(reload_status or {"last_reload_at": None, "last_reload_error": None})

    app.register_blueprint(pages.bp)
    app.register_blueprint(dumps.bp)
    app.register_blueprint(linkeddata.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(system.bp)
    app.register_blueprint(openapi.bp)
    register_error_handlers(app)
    security.install(app, config.rate_limit, config.max_in_flight)
    observability.install(app)
    return app
