"""What a running app holds for one data version: frozen, and replaced (never changed) by a new version."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pyoxigraph as ox
from flask import current_app

from plankg.domain.config import Config
from plankg.domain.geo import Atlas, load_atlas
from plankg.domain.search import SearchIndex, build_index
from plankg.domain.store import Prepared, QueryRunner, ReadStore


@dataclass(frozen=True)
class AppState:
    """The state of one app for one data version (one per server process)."""

    config: Config
    prepared: Prepared
    pool: QueryRunner  # clients' queries, within the limits
    held_graphs: frozenset[str]
    union_triples: int
    store: ReadStore  # documents and pages: bounded lookups, never a client's SPARQL
    description: tuple[ox.Triple, ...]  # the dataset description, under the configured base

    @functools.cached_property
    def search(self) -> SearchIndex:
        """Everything with a name, indexed once per data version."""
        return build_index(self.store)

    @functools.cached_property
    def atlas(self) -> Atlas:
        """The territories and memberships, read from the store on first use (once per data version)."""
        return load_atlas(self.store)


def state() -> AppState:
    """The state of the current app."""
    app_state: AppState = current_app.extensions["plankg"]
    return app_state
