"""The on-disk store: the union bulk-loaded from the build's Turtle equals the union copied quad by quad."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from plankg.domain.build import build
from plankg.domain.serving import UNION_TRIPLES, create_store
from plankg.tables.vocab import CANONICAL_BASE


def _graphs(folder: Path) -> tuple[set[ox.Triple], set[ox.Triple], int]:
    """The default graph's triples without blank nodes, the named graphs' likewise, and the blank-node triples."""
    store = ox.Store.read_only(str(folder / "db"))

    def plain(t: ox.Triple) -> bool:
        return not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)

    default = [q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    named = {q.triple for q in store if not isinstance(q.graph_name, ox.DefaultGraph)}
    return {t for t in default if plain(t)}, {t for t in named if plain(t)}, sum(not plain(t) for t in default)


def test_the_union_loaded_from_the_builds_turtle_is_the_union_of_the_named_graphs(tmp_path: Path) -> None:
    result = build(tmp_path / "build")
    dump, turtle = result.out / "plankg.nq", result.out / "plankg.ttl"
    create_store(dump, tmp_path / "bulk", CANONICAL_BASE, turtle)
    create_store(dump, tmp_path / "copied", CANONICAL_BASE)
    bulk, copied = _graphs(tmp_path / "bulk"), _graphs(tmp_path / "copied")
    assert bulk[0] == bulk[1] and len(bulk[0]) > 5000  # the default graph holds every named graph's triple, once
    assert bulk == copied
    for folder in ("bulk", "copied"):
        union = int((tmp_path / folder / UNION_TRIPLES).read_text("utf-8"))
        assert union == len(bulk[0]) + bulk[2]
