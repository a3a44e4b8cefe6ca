"""The on-disk store: the union bulk-loaded with the dump from the build's N-Triples equals the union copied
quad by quad; the atlas and the search index written beside it equal a fresh reading of the finished store."""

from __future__ import annotations

import gc
import pickle
from pathlib import Path

import pyoxigraph as ox
import pytest

from plankg.domain.build import build
from plankg.domain.config import load_config
from plankg.domain.geo import Atlas, load_atlas
from plankg.domain.search import SearchIndex, build_index
from plankg.domain.serving import UNION_TRIPLES, create_store, prepare
from plankg.domain.store import ATLAS, SEARCH, read_derived
from plankg.tables.vocab import CANONICAL_BASE


def _graphs(folder: Path) -> tuple[set[ox.Triple], set[ox.Triple], int]:
    """The default graph's triples without blank nodes, the named graphs' likewise, and the blank-node triples."""
    store = ox.Store.read_only(str(folder / "db"))

    def plain(t: ox.Triple) -> bool:
        return not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)

    default = [q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    named = {q.triple for q in store if not isinstance(q.graph_name, ox.DefaultGraph)}
    return {t for t in default if plain(t)}, {t for t in named if plain(t)}, sum(not plain(t) for t in default)


def test_the_union_loaded_from_the_builds_n_triples_is_the_union_of_the_named_graphs(tmp_path: Path) -> None:
    result = build(tmp_path / "build")
    dump, union = result.out / "plankg.nq", result.out / "plankg.nt"
    create_store(dump, tmp_path / "bulk", CANONICAL_BASE, union)
    create_store(dump, tmp_path / "copied", CANONICAL_BASE)
    bulk, copied = _graphs(tmp_path / "bulk"), _graphs(tmp_path / "copied")
    assert bulk[0] == bulk[1] and len(bulk[0]) > 5000  # the default graph holds every named graph's triple, once
    assert bulk == copied
    for folder in ("bulk", "copied"):
        union = int((tmp_path / folder / UNION_TRIPLES).read_text("utf-8"))
        assert union == len(bulk[0]) + bulk[2]


def test_the_atlas_and_search_index_are_read_when_the_store_is_made_and_equal_a_fresh_reading(tmp_path: Path) -> None:
    """A worker loads them from beside the store; a store made before they existed gets them at the next start."""
    config = load_config(overrides={"cache_dir": tmp_path})
    prepared = prepare(config)
    assert prepared.derived is not None and prepared.derived == prepared.store_path.parent
    store = ox.Store.read_only(str(prepared.store_path))
    atlas = read_derived(prepared.derived, ATLAS, Atlas)
    index = read_derived(prepared.derived, SEARCH, SearchIndex)
    assert atlas == load_atlas(store) and atlas is not None and len(atlas.places) > 98
    assert gc.isenabled()  # paused while reading, and on again
    fresh = build_index(store)
    assert index is not None and index.entries == fresh.entries and len(index.entries) > 100
    assert [h.entry.uri for h in index.find("Vejle")] == [h.entry.uri for h in fresh.find("Vejle")]
    del store
    for name in (ATLAS, SEARCH):
        (prepared.derived / name).unlink()
    again = prepare(config)
    assert again.store_path == prepared.store_path
    assert read_derived(again.derived, ATLAS, Atlas) == atlas


@pytest.mark.parametrize("base", [CANONICAL_BASE, "http://127.0.0.1:8765/"])
def test_what_is_read_while_the_store_loads_equals_reading_the_finished_store_in_order(
    tmp_path: Path, base: str
) -> None:
    """The atlas and the index are read from an in-memory copy of the union while the on-disk store
    loads (from the build's N-Triples, or from the quads under another base); they equal a reading of
    the finished store, in the order of every dict and list, and the union's count is the store's."""
    result = build(tmp_path / "build")
    create_store(result.out / "plankg.nq", tmp_path / "store", base, result.out / "plankg.nt")
    store = ox.Store.read_only(str(tmp_path / "store" / "db"))
    atlas, index = read_derived(tmp_path / "store", ATLAS, Atlas), read_derived(tmp_path / "store", SEARCH, SearchIndex)
    fresh_atlas, fresh_index = load_atlas(store), build_index(store)
    assert atlas == fresh_atlas and atlas is not None and index is not None
    assert list(atlas.places) == list(fresh_atlas.places) and list(atlas.cooperations) == list(fresh_atlas.cooperations)
    assert all(p.uri.startswith(base) for p in atlas.places.values())
    assert list(index.entries.items()) == list(fresh_index.entries.items())
    assert [list(e.names.items()) for e in index.entries.values()] == [
        list(e.names.items()) for e in fresh_index.entries.values()
    ]
    default = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert int((tmp_path / "store" / UNION_TRIPLES).read_text("utf-8")) == default > 5000


def test_no_derived_files_means_reading_the_store_and_a_foreign_file_is_refused(tmp_path: Path) -> None:
    assert read_derived(None, ATLAS, Atlas) is None
    assert read_derived(tmp_path, ATLAS, Atlas) is None
    (tmp_path / ATLAS).write_bytes(pickle.dumps({"not": "an atlas"}))
    with pytest.raises(TypeError, match="holds no Atlas"):
        read_derived(tmp_path, ATLAS, Atlas)


def test_the_two_files_are_loaded_as_one_even_without_a_last_line_break(tmp_path: Path) -> None:
    from plankg.domain.serving import _concatenated

    quad = "<http://127.0.0.1/s> <http://127.0.0.1/p> <http://127.0.0.1/o> <http://127.0.0.1/g> ."
    triple = '<http://127.0.0.1/s> <http://127.0.0.1/p> "o"@da .'
    (tmp_path / "a.nq").write_text(quad, "utf-8")  # no line break at the end
    (tmp_path / "b.nt").write_text(triple + "\n", "utf-8")
    both = _concatenated(tmp_path / "both.nq", tmp_path / "a.nq", tmp_path / "b.nt")
    parsed = list(ox.parse(path=both, format=ox.RdfFormat.N_QUADS))
    assert [q.graph_name for q in parsed] == [ox.NamedNode("http://127.0.0.1/g"), ox.DefaultGraph()]
    assert parsed[1].object == ox.Literal("o", language="da")
