"""What a running app holds: its configuration, the prepared data and the query pool."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from flask import current_app

from plankg.domain.config import Config
from plankg.domain.geo import Atlas, load_atlas
from plankg.domain.store import Prepared


@dataclass
class AppState:
    """The state of one app (one per server process)."""

    config: Config
    prepared: Prepared
    pool: Any  # executor.QueryPool, or remote.RemotePool with the same run()
    held_graphs: frozenset[str]
    union_triples: int
    # read-only, for resource documents (bounded lookups, no user SPARQL): a pyoxigraph Store, or a
    # remote.RemoteStore with the same read API (quads_for_pattern, query)
    store: Any
    description: list[ox.Triple]  # the dataset description, under the configured base
    _atlas: Atlas | None = field(default=None, repr=False)

    @property
    def atlas(self) -> Atlas:
        """The territories and memberships, read from the store on first use."""
        if self._atlas is None:
            self._atlas = load_atlas(self.store)
        return self._atlas


def state() -> AppState:
    """The state of the current app."""
    app_state: AppState = current_app.extensions["plankg"]
    return app_state
