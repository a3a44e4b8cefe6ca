"""The embedded store: the dataset loaded once into pyoxigraph for querying (DESIGN §5), and what a
prepared store holds."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox


def load_store(quads: Iterable[ox.Quad]) -> ox.Store:
    """An in-memory pyoxigraph store holding ``quads``."""
    store = ox.Store()
    store.bulk_extend(quads)
    return store


@dataclass(frozen=True)
class Prepared:
    """A store ready to serve, and what it holds."""

    store_path: Path
    build_dir: Path
    version: str
    built_at: str
    loaded_at: str
    graphs: tuple[str, ...]
    quads: int
    remote: str = ""  # the remote store's setting, when the data are served from one


class StoreUnavailable(Exception):
    """The store cannot be read: a prepared store that will not open, or a remote engine that does not answer."""
