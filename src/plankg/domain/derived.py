"""What every worker would otherwise read from the whole store: the atlas and the search index.

Both are read once, when a store is made, and written beside it; a worker loads them (a file
read) instead of querying every territory, membership and name at its first page, which took
8.7 s at 1M triples in every worker. A store made before they were written gets them at the
next start; a store in memory or behind a remote engine reads them on first use, as before.
A worker reads them with :func:`plankg.domain.store.read_derived` (which imports neither).
"""

from __future__ import annotations

import pickle
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox

from plankg.domain.geo import load_atlas
from plankg.domain.search import build_index
from plankg.domain.store import ATLAS, SEARCH


def write_derived(store_dir: Path) -> None:
    """Read the atlas and the search index from the store in ``store_dir`` and write them beside it.

    The two are read at once, in two threads: the engine evaluates outside Python's lock, so the readings
    overlap (at 1M triples 10 s instead of 17 s on two cores).
    """
    store = ox.Store.read_only(str(store_dir / "db"))
    with ThreadPoolExecutor(2) as pool:
        readings: dict[str, Future[object]] = {
            ATLAS: pool.submit(load_atlas, store),
            SEARCH: pool.submit(build_index, store),
        }
        for name, reading in readings.items():
            partial = store_dir / f".{name}.partial"
            partial.write_bytes(pickle.dumps(reading.result(), protocol=pickle.HIGHEST_PROTOCOL))
            partial.replace(store_dir / name)


def has_derived(store_dir: Path) -> bool:
    """Whether both files are there."""
    return all((store_dir / name).exists() for name in (ATLAS, SEARCH))
