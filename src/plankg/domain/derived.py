"""What every worker would otherwise read from the whole store: the atlas and the search index.

Both are read once, when a store is made, and written beside it; a worker loads them (a file
read) instead of querying every territory, membership and name at its first page, which took
8.7 s at 1M triples in every worker. A store made before they were written gets them at the
next start; a store in memory or behind a remote engine reads them on first use, as before.
A worker reads them with :func:`plankg.domain.store.read_derived` (which imports neither).

Every reading takes its rows in order (sorted by the query, or in Python where an engine's sort is
costly or refused), so they are the same whichever store they are read from: the on-disk store, or an
in-memory copy of its default graph (the union), which is how a new store gets them, while the on-disk
store is still being loaded.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from plankg.domain.geo import Atlas, load_atlas
from plankg.domain.search import SearchIndex, build_index
from plankg.domain.store import ATLAS, SEARCH, load_store


@dataclass(frozen=True)
class Readings:
    """The atlas and the search index read from a store's default graph, and how many triples it holds."""

    atlas: Atlas
    index: SearchIndex
    union_triples: int


def read_union(union: Path | Iterable[ox.Quad]) -> Readings:
    """The readings from an in-memory store holding ``union``: the build's union as N-Triples, or quads
    taken as triples (a triple in several graphs is held once, as in the on-disk store's default graph).

    One thread, one after the other: in memory, the engine's part is small and the rest holds Python's lock.
    """
    if isinstance(union, Path):
        memory = ox.Store()
        memory.bulk_load(path=union, format=ox.RdfFormat.N_TRIPLES, lenient=True)
    else:
        memory = load_store(ox.Quad(q.subject, q.predicate, q.object) for q in union)
    return Readings(load_atlas(memory), build_index(memory), len(memory))


def write_readings(store_dir: Path, atlas: Atlas, index: SearchIndex) -> None:
    """Write the atlas and the search index beside the store in ``store_dir`` (each file atomically)."""
    for name, value in ((ATLAS, atlas), (SEARCH, index)):
        partial = store_dir / f".{name}.partial"
        partial.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(store_dir / name)


def write_derived(store_dir: Path) -> None:
    """Read the atlas and the search index from the on-disk store in ``store_dir`` and write them beside it
    (a store made before they were written).

    The two are read at once, in two threads: the engine evaluates outside Python's lock, so the readings
    overlap (at 1M triples 10 s instead of 17 s on two cores).
    """
    store = ox.Store.read_only(str(store_dir / "db"))
    with ThreadPoolExecutor(2) as pool:
        atlas: Future[Atlas] = pool.submit(load_atlas, store)
        index: Future[SearchIndex] = pool.submit(build_index, store)
        write_readings(store_dir, atlas.result(), index.result())


def has_derived(store_dir: Path) -> bool:
    """Whether both files are there."""
    return all((store_dir / name).exists() for name in (ATLAS, SEARCH))
