"""What a running app holds for one data version: frozen, and replaced (never changed) by a new version."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox
from flask import current_app

from plankg.domain.config import Config
from plankg.domain.containers import COLLECTIONS, collection_members
from plankg.domain.evaluate import QueryRunner
from plankg.domain.geo import Atlas, load_atlas
from plankg.domain.search import SearchIndex, build_index
from plankg.domain.store import ATLAS, SEARCH, Prepared, ReadStore, read_derived
from plankg.tables.vocab import CANONICAL_BASE


@dataclass(frozen=True)
class AppState:
    """The state of one app for one data version (one per server process)."""

    config: Config
    prepared: Prepared
    pool: QueryRunner  # clients' queries, within the limits (lookups in place, the rest in query processes)
    held_graphs: frozenset[str]
    union_triples: int
    store: ReadStore  # documents and pages: bounded lookups, never a client's SPARQL
    description: tuple[ox.Triple, ...]  # the dataset description, under the configured base

    @functools.cached_property
    def search(self) -> SearchIndex:
        """Everything with a name, indexed once per data version (when the store was made, if it is on disk)."""
        return read_derived(self.prepared.derived, SEARCH, SearchIndex) or build_index(self.store)

    @functools.cached_property
    def collections(self) -> dict[str, list[ox.NamedNode]]:
        """Each collection's members in IRI order, read once per data version (the store does not change)."""
        return {slug: collection_members(self.store, slug) for slug in COLLECTIONS}

    @functools.cached_property
    def atlas(self) -> Atlas:
        """The territories and memberships, read once per data version (when the store was made, if it is on disk)."""
        return read_derived(self.prepared.derived, ATLAS, Atlas) or load_atlas(self.store)


def state() -> AppState:
    """The state of the current app."""
    app_state: AppState = current_app.extensions["plankg"]
    return app_state


def local_href(iri: str) -> str | None:
    """The path of ``iri``'s page on this server, or None for an IRI served elsewhere."""
    return _href(_routes(state().config.base_uri), iri)


def page_finder() -> Callable[[str], str | None]:
    """:func:`local_href` with this app's base looked up once: for a document that links thousands of IRIs
    (a cooperation's GeoJSON, a collection's page), where looking the app up for each cost a fifth of the time."""
    return functools.partial(_href, _routes(state().config.base_uri))


@functools.lru_cache(maxsize=16)
def _routes(base: str) -> tuple[tuple[str, str], ...]:
    return ((base + "id/", "/doc/"), (CANONICAL_BASE + "id/", "/doc/"), (CANONICAL_BASE + "def/", "/def/"))


def _href(routes: tuple[tuple[str, str], ...], iri: str) -> str | None:
    for prefix, route in routes:
        if iri.startswith(prefix):
            return route + iri[len(prefix) :]
    return None
