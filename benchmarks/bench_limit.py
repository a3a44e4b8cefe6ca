"""Big answers under the result limit: what counting the rows costs (issue "Cost that grows with the page").

An answer that could hold more rows than the limit has its rows counted. Each big query runs in the
same process, interleaved, with the default limit (100,000 rows: counted) and with a limit so high
that nothing is counted (the baseline); the ratio is the price of counting.

    python benchmarks/bench_limit.py [SIZE]     (default: 100000)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import generate, on_disk

from plankg.domain.config import Config
from plankg.domain.evaluate import QueryRequest, execute
from plankg.tables.formats import RESULT_FORMATS

P = "PREFIX org: <http://www.w3.org/ns/org#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
BIG = {
    "every membership (JSON)": (P + "SELECT ?ms ?c ?m { ?ms org:organization ?c ; org:member ?m }", 0),
    "every label (JSON)": (P + "SELECT ?s ?l { ?s skos:prefLabel ?l }", 0),
    "every label (XML)": (P + "SELECT ?s ?l { ?s skos:prefLabel ?l }", 1),
    "every label (CSV)": (P + "SELECT ?s ?l { ?s skos:prefLabel ?l }", 2),
    "every label (TSV)": (P + "SELECT ?s ?l { ?s skos:prefLabel ?l }", 3),
}


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    limit = Config().result_limit
    with tempfile.TemporaryDirectory() as tmp:
        store = ox.Store.read_only(str(on_disk(generate(size), Path(tmp), "synthetic")))
        print(f"~{size:,} triples; the default limit is {limit:,} rows")
        print(f"{'query':26} {'rows':>8} {'counted ms':>11} {'not counted ms':>15} {'ratio':>6}")
        for name, (text, fmt) in BIG.items():
            request = QueryRequest(text, results=RESULT_FORMATS[fmt])
            counted, free, rows = [], [], 0
            for _ in range(7):  # interleaved, so that the machine's noise falls on both
                started = time.perf_counter()
                rows = execute(store, request, limit).count
                counted.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                execute(store, request, 10**12)
                free.append((time.perf_counter() - started) * 1000)
            c, f = statistics.median(counted), statistics.median(free)
            print(f"{name:26} {rows:8,} {c:11.1f} {f:15.1f} {c / f:5.2f}x", flush=True)


if __name__ == "__main__":
    main()
