"""Benchmark: load, validate, build, and the competency queries on pyoxigraph against rdflib.

Prints medians over repeated runs and the ratio against a baseline run in the same process
(rdflib's own SPARQL engine for the queries). Run: ``python benchmarks/bench_core.py``.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rdflib import Dataset

from plankg.domain.assemble import load_project
from plankg.domain.build import build
from plankg.domain.rdf import to_rdflib
from plankg.domain.store import load_store
from plankg.domain.validate import validate
from plankg.tables.queries import list_queries, run_query


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    """The median wall time of ``repeat`` runs of ``action``."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def rdflib_dataset() -> Dataset:
    """The project's data in an rdflib Dataset whose default graph is the union."""
    dataset = Dataset(default_union=True)
    for quad in load_project().quads:
        graph = dataset.graph(to_rdflib(quad.graph_name)) if hasattr(quad.graph_name, "value") else dataset
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))  # type: ignore[arg-type]
    return dataset


def main() -> None:
    loaded = load_project()
    print(f"data: {len(loaded.quads)} quads")
    print(f"load project (parse + membership table): {median_seconds(load_project, 5) * 1000:8.1f} ms")
    print(f"validate (pyshacl, union graph):          {median_seconds(lambda: validate(loaded), 3):8.2f} s")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "build"
        print(f"build, forced (validate + all dumps):     {median_seconds(lambda: build(out, force=True), 3):8.2f} s")
        print(f"build, unchanged inputs (cached):         {median_seconds(lambda: build(out), 5) * 1000:8.1f} ms")

    store = load_store(loaded.quads)
    baseline = rdflib_dataset()
    print("\nquery                                      pyoxigraph ms   rdflib ms   rdflib/pyoxigraph")
    ratios = []
    for query in list_queries():
        oxi = median_seconds(lambda q=query: list(run_query(store, q, {})), 5)  # type: ignore[misc]
        values = {p.name: p.default for p in query.parameters if p.default}
        bindings = {v.value: to_rdflib(t) for v, t in query.bindings(values).items()}  # type: ignore[arg-type]
        rdf = median_seconds(lambda q=query, b=bindings: list(baseline.query(q.text, initBindings=b)), 3)  # type: ignore[misc]
        ratios.append(rdf / oxi)
        print(f"{query.name:42} {oxi * 1000:13.2f} {rdf * 1000:11.1f} {rdf / oxi:19.0f}x")
    print(f"\nmedian ratio rdflib/pyoxigraph over {len(ratios)} queries: {statistics.median(ratios):.0f}x")


if __name__ == "__main__":
    main()
