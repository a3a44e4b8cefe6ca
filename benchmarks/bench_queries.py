"""Named queries reshaped for the engine's plan, against their previous texts (issue "Cost that grows with
the page").

Oxigraph plans a query from its shape, without statistics: it joins a pattern that the step before
could have bound by gathering all its matches in the store when the pattern looks cheap on its own (a
type, ``?x a C``) or when an OPTIONAL holds more than one pattern, so that such a query costs what the
whole store costs. The reshaped texts go in steps (subqueries) that each start from what the step
before found, and test a type with ``FILTER EXISTS``. The previous texts are kept in
``tests/data/queries-before/``, where a test checks that both give the same rows in the same order.

For each size (``project``: the project's data; a number: the synthetic data of about that many
quads, ``synthetic.py``), the data are loaded into an on-disk store as ``plankg serve`` makes it; each
query, now and before, runs with its declared defaults on the embedded engine, answer written as
SPARQL JSON, in turn, in a forked process stopped after ``CAP`` seconds. Prints medians and the
speed-up.

    python benchmarks/bench_queries.py [project] [SIZES...]     (default: project 100000 1000000)
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import capped, generate, on_disk

from plankg.domain.assemble import load_project
from plankg.tables.queries import find_query, parse_query_file, runnable_text

HERE = Path(__file__).resolve().parent
BEFORE = sorted((HERE.parent / "tests" / "data" / "queries-before").glob("*.rq"))
CAP = 60.0
ROUNDS = 5


def timed(store_path: Path, texts: tuple[str, str]) -> tuple[float, float, int]:
    """Medians (ms) of the query now and before, asked in turn; the rows of the answer now."""
    store = ox.Store.read_only(str(store_path))
    now: list[float] = []
    before: list[float] = []
    answer = b""
    for _ in range(ROUNDS):
        for text, times in zip(texts, (now, before), strict=True):
            started = time.perf_counter()
            solutions = store.query(text)
            assert isinstance(solutions, ox.QuerySolutions)
            body = solutions.serialize(format=ox.QueryResultsFormat.JSON) or b""
            times.append((time.perf_counter() - started) * 1000)
            answer = answer or body
    return statistics.median(now), statistics.median(before), len(json.loads(answer)["results"]["bindings"])


def bench(size: str, folder: Path) -> None:
    quads = list(load_project().quads) if size == "project" else generate(int(size))
    store = on_disk(quads, folder, f"queries-{size}")
    print(f"\n=== {size}: {len(quads):,} quads ===")
    print(f"{'query':42} {'now ms':>10} {'before ms':>12} {'speed-up':>9} {'rows':>7}")
    for path in BEFORE:
        texts = (runnable_text(find_query(path.stem)), runnable_text(parse_query_file(path)))
        found = capped(lambda texts=texts: timed(store, texts), CAP)  # type: ignore[misc]
        if found is None:
            print(f"{path.stem:42} {'> ' + str(int(CAP)) + ' s (both, in turn)':>32}", flush=True)
            continue
        now, before, rows = found
        print(f"{path.stem:42} {now:10.2f} {before:12.2f} {before / now:8.1f}x {rows:7,}", flush=True)


def main() -> None:
    sizes = sys.argv[1:] or ["project", "100000", "1000000"]
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            bench(size, Path(folder))


if __name__ == "__main__":
    main()
