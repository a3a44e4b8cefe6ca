"""Benchmark of SHACL validation on synthetic data: plankg's validation against pyshacl alone.

Per size: ``validate()`` as plankg runs it (pyshacl for the core constraints, the SPARQL-based
constraints once each on the embedded engine) against the reference (``reference=True``: every
constraint in pyshacl, as plankg validated before), both in the same run on the same data; the
reference runs in a child process stopped after ``CAP`` seconds (then its time is a lower bound).
Where both finish, their findings are compared. The generated data conform to the shapes; a
second line per size drops 1 % of the generated cooperations' ``org:hasMember`` and ``org:member``
statements (findings of the cooperation, membership and board rules).
Run: ``python benchmarks/bench_validate.py [SIZES...]`` (default 10000 100000 1000000).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import capped, each_size, generate

from plankg.domain.dataset import Loaded
from plankg.domain.validate import Report, validate

CAP = 300.0
ORG = "http://www.w3.org/ns/org#"


def timed(loaded: Loaded, reference: bool, repeat: int) -> tuple[float, Report]:
    """The median seconds of ``repeat`` validations, and the last report."""
    times, report = [], Report([])
    for _ in range(repeat):
        started = time.perf_counter()
        report = validate(loaded, reference=reference)
        times.append(time.perf_counter() - started)
    return statistics.median(times), report


def with_defects(quads: list[ox.Quad]) -> list[ox.Quad]:
    """``quads`` without 1 % of the generated cooperations' org:hasMember and org:member statements."""
    rng = random.Random(11)
    return [
        q
        for q in quads
        if not ("syntetisk" in q.subject.value and q.predicate.value in (ORG + "hasMember", ORG + "member"))
        or rng.random() >= 0.01
    ]


def bench_size(size: int, _folder: Path) -> None:
    quads = generate(size)
    print(f"\n=== ~{size:,} quads ({len(quads):,}) ===", flush=True)
    print(f"{'data':14} {'findings':>9} {'plankg s':>9} {'pyshacl alone s':>16} {'speed-up':>9}")
    for name, data in (("conforming", quads), ("with defects", with_defects(quads))):
        loaded = Loaded()
        loaded.add(data, "synthetic.nq")
        repeat = 3 if size <= 100_000 else 1
        fast, report = timed(loaded, False, repeat)
        slow = capped(lambda loaded=loaded: timed(loaded, True, 1), CAP)  # type: ignore[misc]
        if slow is None:
            print(f"{name:14} {len(report.findings):9,} {fast:9.1f} {'>':>6}{CAP:9.0f} {'>':>2}{CAP / fast:6.0f}x")
            continue
        same = "" if slow[1].findings == report.findings else "  (findings differ)"
        line = f"{name:14} {len(report.findings):9,} {fast:9.1f} {slow[0]:16.1f} {slow[0] / fast:8.0f}x{same}"
        print(line, flush=True)


if __name__ == "__main__":
    each_size(bench_size)
