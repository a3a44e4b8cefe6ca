"""The embedded store: the dataset loaded once into pyoxigraph for querying (DESIGN §5), and what a
prepared store holds."""

from __future__ import annotations

import gc
import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import pyoxigraph as ox

#: The atlas and the search index, written beside a store when it is made (``domain/derived.py``). A name
#: changes with its object's layout: beside a store made by an earlier plankg, the file is written anew at start.
ATLAS = "atlas.pickle"
SEARCH = "search-2.pickle"
T = TypeVar("T")

#: As served, the default graph is the union of the named graphs (each triple once).
UNION = ox.DefaultGraph()


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
    union_triples: int = -1  # the default graph's triples, counted when the store was made (-1: not counted)
    derived: Path | None = None  # the folder with the atlas and the search index read when the store was made


class StoreUnavailable(Exception):
    """The store cannot be read: a prepared store that will not open, or a remote engine that does not answer."""


class ReadStore(Protocol):
    """What documents, pages and maps read (bounded lookups, never a client's SPARQL): the embedded
    pyoxigraph store, or :class:`~plankg.domain.remote.RemoteStore` over an existing engine."""

    def quads_for_pattern(self, subject: Any, predicate: Any, object: Any, graph_name: Any = None, /) -> Any:
        """The quads that match; ``None`` matches anything."""

    def query(self, query: str, /, *, use_default_graph_as_union: bool = False, substitutions: Any = None) -> Any:
        """Evaluate one of plankg's own queries."""


def read_derived(store_dir: Path | None, name: str, kind: type[T]) -> T | None:
    """The object written as ``name`` in ``store_dir`` (None when there is none).

    The files are plankg's own, in the folder of the store it serves: whoever can write them
    can write the store. The garbage collector waits while they are read: it would otherwise run
    again and again over the hundreds of thousands of objects being made (at 1M triples, four times the time).
    """
    if store_dir is None or not (store_dir / name).exists():
        return None
    data, collecting = (store_dir / name).read_bytes(), gc.isenabled()
    gc.disable()
    try:
        value: Any = pickle.loads(data)
    finally:
        if collecting:
            gc.enable()
    if not isinstance(value, kind):
        raise TypeError(f"{store_dir / name} holds no {kind.__name__}")
    return value
