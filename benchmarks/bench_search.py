"""Search and reconciliation as the data grow: the index's candidates against scoring every key.

Per size (``project``: the project's data; or a number: the synthetic data of that size, whose generated
names share long stretches: "Bynordsamarbejdet 5621", "Forum for plan"), the search index is built as a
store's is, and each probe (names people type, with and without typos, beginnings, generated names) is
found through the index (``SearchIndex.find``: only the candidates scored) and, as before it, by scoring
every key with the same rule (and the same distance), in the same process, in turn; and as a
reconciliation query (OpenRefine's, one name). Prints per-probe medians, the ratio, the hits compared
(they must be the same), the index's build time and its pickled size.
Run: ``python benchmarks/bench_search.py [project] [SIZES...]`` (default ``project 100000``).
"""

from __future__ import annotations

import pickle
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_endpoint import median_ms
from synthetic import generate

from plankg.domain import search
from plankg.domain.assemble import load_project
from plankg.domain.config import load_config
from plankg.domain.geo import load_atlas
from plankg.domain.reconcile import Reconciler
from plankg.domain.search import KINDS, Hit, SearchIndex, build_index, keys_of
from plankg.tables.vocab import CANONICAL_BASE

PROBES = (
    "Kobenhavn",
    "Høje Taastrup Kommune",
    "Århus",
    "Lyngby",
    "Faaborg Midtfyn",
    "Trekanten",
    "Kolding",
    "Koldnig",
    "kolding kommune",
    "Trekantområdet",
    "Vestegnssamarbejdet",
    "Region Syddanmark",
    "Fredriksberg",
    "0621",
    "trekant",
    "bynrdsamarbejdet 5621",
    "forum for plan",
)
REPEAT = 7


def scan(index: SearchIndex, text: str, limit: int = 10) -> list[Hit]:
    """The hits as found before the index had candidates: every key scored by the rule."""
    best: dict[str, Hit] = {}
    for entry in index._ids.get(text.strip().lower(), []) + index._ids.get(text.strip().lstrip("0"), []):
        best[entry.uri] = Hit(entry, 100.0, text.strip())
    for query in keys_of(text):
        for key, entry in index._keys:
            score = search._score(query, key)
            if score and (entry.uri not in best or best[entry.uri].score < score):
                best[entry.uri] = Hit(entry, score, key)
    hits = sorted(best.values(), key=lambda h: (-h.score, KINDS.index(h.entry.kind), h.entry.name()))
    return hits[:limit]


def bench(name: str, quads: list[ox.Quad]) -> None:
    store = ox.Store()
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    started = time.perf_counter()
    index = build_index(store)
    built = time.perf_counter() - started
    size = len(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
    print(f"\n=== {name}: {len(quads):,} quads; {len(index.entries):,} names, {len(index._keys):,} keys ===")
    print(f"index built from the store in {built:.2f} s; pickled {size / 1e6:.1f} MB")
    reconciler = Reconciler(index, load_atlas(store), CANONICAL_BASE + "id/", load_config().current_day())
    print(f"{'probe':24} {'index ms':>9} {'every key ms':>13} {'speed-up':>9} {'reconcile ms':>13}  same hits")
    ratios = []
    for text in PROBES:
        same = [(h.entry.uri, h.score, h.matched) for h in index.find(text)] == [
            (h.entry.uri, h.score, h.matched) for h in scan(index, text)
        ]
        fast = median_ms(lambda: index.find(text), REPEAT)  # noqa: B023
        slow = median_ms(lambda: scan(index, text), REPEAT)  # noqa: B023
        matched = median_ms(lambda: reconciler.reconcile({"q": {"query": text}}), REPEAT)  # noqa: B023
        ratios.append(slow / fast)
        print(
            f"{text:24} {fast:9.3f} {slow:13.3f} {slow / fast:8.0f}x {matched:13.3f}  {'yes' if same else 'NO'}",
            flush=True,
        )
    print(f"geometric mean speed-up: {statistics.geometric_mean(ratios):.0f}x")


def main() -> None:
    sizes = sys.argv[1:] or ["project", "100000"]
    for size in sizes:
        if size == "project":
            bench("project", list(load_project().quads))
        else:
            bench(f"~{int(size):,}", generate(int(size)))


if __name__ == "__main__":
    main()
