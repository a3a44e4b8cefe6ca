"""Benchmark of ``members-on-date`` on synthetic data, before and after the day bounds.

Per size: the named query with its day bounds (``plankg:firstDay``/``plankg:lastDay`` written at
build time) against its previous text (``members-on-date-before.rq``: dates of each precision cut
to the same length as text), both on the same on-disk store in the same run, for every membership,
one cooperation's and one municipality's, serialisation included (plankg's executor). The previous
text runs in a child process stopped after ``CAP`` seconds (then its time is a lower bound).
Run: ``python benchmarks/bench_dates.py [SIZES...]`` (default 10000 100000 1000000).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import capped, each_size, generate, on_disk

from plankg.domain.evaluate import QueryRequest, execute
from plankg.tables.queries import find_query, parse_query_file, runnable_text

CAP = 120.0
DAY = "2015-06-01"
CASES = {
    "every membership": {},
    "one cooperation": {"cooperation": "https://w3id.org/plankg/id/samarbejde/syntetisk-3"},
    "one municipality": {"municipality": "https://w3id.org/plankg/id/kommune/0101"},
}


def median_ms(store_path: str, text: str, repeat: int) -> tuple[float, int]:
    """The median time of ``text`` through plankg's executor, and its rows."""
    store = ox.Store.read_only(store_path)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        execute(store, QueryRequest(text), 10_000_000)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, len(list(store.query(text)))  # type: ignore[arg-type]


def capped_ms(store_path: str, text: str, repeat: int, cap: float) -> tuple[float, int, bool]:
    """``median_ms`` in a child process, stopped after ``cap`` seconds (then ``cap`` is a lower bound)."""
    value = capped(lambda: median_ms(store_path, text, repeat), cap)
    return (cap * 1000, -1, True) if value is None else (*value, False)


def bench_size(size: int, folder: Path) -> None:
    quads = generate(size)
    store_path = str(on_disk(quads, folder, f"synthetic-{size}"))
    memberships = len({q.subject for q in quads if q.object.value == "http://www.w3.org/ns/org#Membership"})
    print(f"\n=== ~{size:,} quads ({len(quads):,}; {memberships:,} memberships) ===", flush=True)
    print(f"{'members-on-date':18} {'rows':>7} {'day bounds ms':>14} {'before ms':>11} {'speed-up':>9}")
    now, before = find_query("members-on-date"), parse_query_file(Path(__file__).with_name("members-on-date-before.rq"))
    for case, values in CASES.items():
        bound = {"date": DAY, **values}
        fast, rows = median_ms(store_path, runnable_text(now, bound), 5)
        slow, old_rows, capped = capped_ms(store_path, runnable_text(before, bound), 3, CAP)
        mark = ">" if capped else " "
        same = "" if capped or old_rows == rows else f"  (rows differ: {old_rows})"
        print(f"{case:18} {rows:7,} {fast:14.1f} {mark}{slow:10.1f} {mark}{slow / fast:7.0f}x{same}", flush=True)


if __name__ == "__main__":
    each_size(bench_size)
