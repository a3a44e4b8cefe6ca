"""The embedded store: the dataset loaded once into pyoxigraph for querying (DESIGN §5)."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox


def load_store(quads: Iterable[ox.Quad]) -> ox.Store:
    """An in-memory pyoxigraph store holding ``quads``."""
    store = ox.Store()
    store.bulk_extend(quads)
    return store
