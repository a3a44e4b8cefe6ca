"""What every worker would otherwise read from the whole store: the atlas and the search index.

Both are read once, when a store is made, and written beside it; a worker loads them (a file
read) instead of querying every territory, membership and name at its first page, which took
8.7 s at 1M triples in every worker. A store made before they were written gets them at the
next start; a store in memory or behind a remote engine reads them on first use, as before.
A worker reads them with :func:`plankg.domain.store.read_derived` (which imports neither).
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pyoxigraph as ox

from plankg.domain.geo import load_atlas
from plankg.domain.search import build_index
from plankg.domain.store import ATLAS, SEARCH


def write_derived(store_dir: Path) -> None:
    """Read the atlas and the search index from the store in ``store_dir`` and write them beside it."""
    store = ox.Store.read_only(str(store_dir / "db"))
    for name, value in ((ATLAS, load_atlas(store)), (SEARCH, build_index(store))):
        partial = store_dir / f".{name}.partial"
        partial.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(store_dir / name)


def has_derived(store_dir: Path) -> bool:
    """Whether both files are there."""
    return all((store_dir / name).exists() for name in (ATLAS, SEARCH))
