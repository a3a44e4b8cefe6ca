"""The Flask app factory: load and index the data once, then serve."""

from __future__ import annotations

import atexit
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from flask import Flask
from jinja2 import StrictUndefined

from plankg.domain import geo
from plankg.domain.config import Config, load_config
from plankg.domain.evaluate import open_store
from plankg.domain.executor import QueryPool
from plankg.domain.lookup import LookupsInPlace
from plankg.domain.serving import description_triples, prepare
from plankg.domain.store import Prepared
from plankg.tables.queries import internal
from plankg.web.errors import register_error_handlers
from plankg.web.state import AppState

if TYPE_CHECKING:
    from plankg.domain.remote import RemotePool


class _Flask(Flask):
    """Flask, with each view and hook looked at once for being a coroutine: Flask's ``ensure_sync`` asks
    ``inspect`` at every call, about ten times a request (each hook, the view)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._synchronous: dict[Callable[..., Any], Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        found = self._synchronous.get(func)
        if found is None:
            found = self._synchronous[func] = super().ensure_sync(func)
        return found


def create_app(
    settings: Config | Mapping[str, Any] | None = None,
    prepared: Prepared | None = None,
    reload_status: Mapping[str, str | None] | None = None,
) -> Flask:
    """A plankg app for ``settings`` (a Config, or a mapping of overrides on the defaults)."""
    config = settings if isinstance(settings, Config) else load_config(overrides=settings)
    prepared = prepared or prepare(config)
    app = _Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = config.max_request_bytes
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.jinja_env.undefined = StrictUndefined  # a missing text or value is an error, not an empty cell
    from plankg.web import (
        assets,
        dumps,
        linkeddata,
        messages,
        observability,
        openapi,
        pages,
        reconcile,
        search,
        security,
        sparql,
        system,
    )

    if prepared.remote:
        app_state = _remote_state(config, prepared)
    else:
        pool = QueryPool(
            prepared.store_path,
            config.query_processes,
            config.result_limit,
            config.query_memory_mb * 1024 * 1024,
            allow_network=config.unsafe_query_network,
        )
        atexit.register(pool.close)
        store = open_store(str(prepared.store_path))
        union_triples = prepared.union_triples
        if union_triples < 0:  # a store loaded into memory: counted here, in every process that loads it
            union_triples = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        description = tuple(description_triples(prepared.build_dir, config.base_uri))
        runner = LookupsInPlace(pool, store, config.result_limit)  # lookups skip the trip to a query process
        app_state = AppState(config, prepared, runner, frozenset(prepared.graphs), union_triples, store, description)
    app.extensions["plankg"] = app_state
    app.extensions["plankg-reload"] = dict(reload_status or {"last_reload_at": None, "last_reload_error": None})
    if prepared.remote:
        _follow_published_versions(app, config)

    app.register_blueprint(pages.bp)
    app.register_blueprint(dumps.bp)
    app.register_blueprint(linkeddata.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(reconcile.bp)
    app.register_blueprint(system.bp)
    app.register_blueprint(openapi.bp)
    register_error_handlers(app)
    assets.install(app)
    app.after_request(messages.remember_language)
    app.add_template_global(messages.language_switch)
    app.add_template_global(geo.pattern, "pattern_of")
    security.install(app, config.rate_limit, config.max_in_flight)
    # server.run sets up prometheus_client's multiprocess mode exactly when it starts several workers
    observability.install(app, across_workers=config.workers > 1 and not config.debug)
    return app


def _remote_state(config: Config, prepared: Prepared, pool: RemotePool | None = None) -> AppState:
    """The state for the live version at a remote engine (``pool``: the previous version's, whose slots it keeps)."""
    from plankg.domain.remote import DESCRIPTION, Endpoints, RemotePool, RemoteStore

    store = RemoteStore(Endpoints.from_config(config), prepared.graphs, timeout=config.query_timeout)
    runner = pool.over(store) if pool else RemotePool(store, config.query_processes * 4, config.result_limit)
    count = store.query(internal("union-triples"))
    assert isinstance(count, ox.QuerySolutions)
    union_triples = int(next(iter(count))["n"].value)
    description = tuple(store.query(internal("all-triples"), default_graphs=(DESCRIPTION,)))  # type: ignore[arg-type]
    return AppState(config, prepared, runner, frozenset(prepared.graphs), union_triples, store, description)


def _follow_published_versions(app: Flask, config: Config, every: float = 5.0) -> None:
    """A replica serves whatever version is live at the store: look every few seconds; when it changes, a
    new state replaces the old one (a request in flight keeps the one it started with)."""
    import dataclasses
    import logging
    import threading
    import time

    from plankg.domain.remote import DEFAULT_GRAPH, Endpoints, read_version

    endpoints = Endpoints.from_config(config)
    log = logging.getLogger("plankg.domain.remote")

    def follow() -> None:
        while True:
            time.sleep(every)
            current: AppState = app.extensions["plankg"]
            try:
                live = read_version(endpoints, timeout=5.0)
                if live is None or live.version == current.prepared.version:
                    continue
                graphs = tuple(sorted(g for g in live.graphs if g != DEFAULT_GRAPH))
                prepared = dataclasses.replace(
                    current.prepared,
                    version=live.version,
                    built_at=live.built_at,
                    graphs=graphs,
                    quads=sum(live.graphs.values()),
                    build_dir=config.cache_dir / "remote" / live.version,
                )
                app.extensions["plankg"] = _remote_state(config, prepared, current.pool)  # type: ignore[arg-type]
            except Exception as error:  # the store is away: keep answering (with 503s) and look again
                log.warning("cannot read the live version: %s", error)
                continue
            log.warning("now serving the published version %s", live.version)

    threading.Thread(target=follow, name="plankg-version", daemon=True).start()
