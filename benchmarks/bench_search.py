"""Benchmark: search and reconciliation latency on the project's data.

Prints the index build time and, for a set of real-world spellings, the median time of a search
and of a reconciliation query, with the ratio against a baseline run in the same process: an exact
dictionary lookup of the folded name (the least any search can cost).
Run: ``python benchmarks/bench_search.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_core import median_seconds

from plankg.domain.assemble import load_project
from plankg.domain.geo import load_atlas
from plankg.domain.reconcile import Reconciler
from plankg.domain.search import build_index, fold
from plankg.domain.store import load_store
from plankg.tables.vocab import CANONICAL_BASE

SPELLINGS = ["Kobenhavn", "Høje Taastrup Kommune", "Århus", "Lyngby", "Faaborg Midtfyn", "Trekanten", "0621", "Koldnig"]


def main() -> None:
    store = load_store(load_project().quads)
    started = time.perf_counter()
    index = build_index(store)
    print(f"index of {len(index.entries)} entries built in {(time.perf_counter() - started) * 1000:.1f} ms")
    reconciler = Reconciler(index, load_atlas(store), CANONICAL_BASE + "id/")
    exact = {fold(e.name()): e for e in index.entries.values()}
    print(f"{'query':24} {'search ms':>10} {'reconcile ms':>13} {'baseline µs':>12} {'search/baseline':>16}")
    ratios = []
    for text in SPELLINGS:
        search = median_seconds(lambda t=text: index.find(t, 10), 50)
        recon = median_seconds(lambda t=text: reconciler.reconcile({"q": {"query": t}}), 50)
        baseline = median_seconds(lambda t=text: exact.get(fold(t)), 200)
        ratios.append(search / baseline)
        print(f"{text:24} {search * 1000:10.2f} {recon * 1000:13.2f} {baseline * 1e6:12.1f} {search / baseline:16.0f}")
    print(f"median search/baseline: {statistics.median(ratios):.0f}")


if __name__ == "__main__":
    main()
