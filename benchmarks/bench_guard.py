"""Benchmark: the query guard against the engine, and how it grows with hostile input.

For the 13 named queries: the guard's median time, and the ratio to pyoxigraph parsing and
evaluating the same query on an empty store (a baseline run in the same process). For the three
inputs that made the old guard quadratic (2026 review): median time at 10, 20 and 40 KB and the
ratio of each to the 10 KB time — a linear guard doubles, a quadratic one quadruples.
Run: ``python benchmarks/bench_guard.py``.
"""

from __future__ import annotations

import contextlib

import pyoxigraph as ox
from bench_core import median_seconds

from plankg.domain.guard import Refused, inspect_query
from plankg.tables.queries import list_queries, runnable_text

HOSTILE = {"escaped quotes": '"\\"', "dotted names": "a.", "hyphenated names": "a-"}


def guard(text: str) -> None:
    with contextlib.suppress(Refused):
        inspect_query(text, frozenset())


def engine(text: str) -> None:
    with contextlib.suppress(SyntaxError, OSError, RuntimeError, ValueError):
        list(ox.Store().query(text))  # type: ignore[arg-type]


def main() -> None:
    print("named query                         guard ms   engine ms   guard/engine")
    ratios = []
    for query in list_queries():
        text = runnable_text(query)
        mine, theirs = median_seconds(lambda t=text: guard(t), 50), median_seconds(lambda t=text: engine(t), 50)
        ratios.append(mine / theirs)
        print(f"{query.name:34} {mine * 1000:8.3f}   {theirs * 1000:9.3f}   {mine / theirs:10.2f}")
    ratios.sort()
    print(f"median guard/engine: {ratios[len(ratios) // 2]:.2f}")
    print()
    print("hostile input        10 KB ms   20 KB ms   40 KB ms   20/10   40/10")
    for name, unit in HOSTILE.items():
        times = [
            median_seconds(lambda n=size, u=unit: guard("SELECT * { ?s ?p " + u * (n // len(u))), 5)
            for size in (10_000, 20_000, 40_000)
        ]
        print(
            f"{name:18} {times[0] * 1000:9.1f} {times[1] * 1000:10.1f} {times[2] * 1000:10.1f}"
            f"   {times[1] / times[0]:5.2f}   {times[2] / times[0]:5.2f}"
        )


if __name__ == "__main__":
    main()
