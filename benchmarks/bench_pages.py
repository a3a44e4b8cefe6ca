"""What a page, a document and a GeoJSON cost as the dataset grows (issue "Cost that grows with the page").

For each size, the synthetic data (``synthetic.py``: the project's data plus generated cooperations)
are loaded into an on-disk store as ``plankg serve`` makes it, and the real app serves them. Each
page is asked for through Flask's test client (no HTTP, so the figures are the app's own work), with
the store wrapped to count its lookups. The project's data are the baseline of every ratio.
Besides the pages named below, the page and Turtle of the source cited most at each size: a resource
whose links grow with the data (a page of it holds 100 of them).
A worker's first page, which loads the atlas and the search index, is timed twice on the same store:
with the files written when the store was made, and reading the whole store as before them.

    python benchmarks/bench_pages.py [SIZES...]     (default: 100000)
"""

from __future__ import annotations

import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import generate, write_dumps

from plankg.domain.assemble import load_project
from plankg.domain.config import load_config
from plankg.domain.serving import create_store, prepare
from plankg.web.app import create_app

PAGES = {
    "municipality page": ("/doc/kommune/0621", "text/html"),
    "cooperation page": ("/doc/samarbejde/trekantomraadet", "text/html"),
    "municipality Turtle": ("/doc/kommune/0621", "text/turtle"),
    "municipality GeoJSON": ("/doc/kommune/0621", "application/geo+json"),
    "cooperation GeoJSON": ("/doc/samarbejde/trekantomraadet", "application/geo+json"),
    "cooperations (first page)": ("/doc/samarbejde", "text/html"),
}
#: The page of the source cited most at each size (the project's: DAGI's boundaries; generated data cite theirs).
CITED = ("most cited source", "its Turtle")


def with_the_most_cited_source(quads: list[ox.Quad]) -> dict[str, tuple[str, str]]:
    """The pages, and the page and Turtle of the source cited by the most statements: its links grow."""
    cited: dict[str, int] = {}
    for quad in quads:
        if isinstance(quad.object, ox.NamedNode) and "/id/kilde/" in quad.object.value:
            cited[quad.object.value] = cited.get(quad.object.value, 0) + 1
    path = "/doc/" + max(cited, key=lambda iri: (cited[iri], iri)).split("/id/", 1)[1]
    return {**PAGES, CITED[0]: (path, "text/html"), CITED[1]: (path, "text/turtle")}


class Counting:
    """The app's store, counting the lookups a page makes."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.calls = 0

    def quads_for_pattern(self, *args: Any) -> Any:
        self.calls += 1
        return self.store.quads_for_pattern(*args)

    def query(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.store.query(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def app_on(quads: list[ox.Quad] | None, folder: Path, derived: bool = True) -> Any:
    """The real app, on the project's prepared data or on ``quads`` in an on-disk store of their own."""
    config = load_config(overrides={"cache_dir": folder / "cache"})
    prepared = prepare(config)
    if quads is not None:
        if not (folder / "store").exists():
            dump, union = write_dumps(quads, folder)
            create_store(dump, folder / "store", "https://w3id.org/plankg/", union)
        prepared = dataclasses.replace(
            prepared,
            store_path=folder / "store" / "db",
            version=f"synthetic-{len(quads)}",
            quads=len(quads),
            derived=folder / "store",
        )
    if not derived:
        prepared = dataclasses.replace(prepared, derived=None)
    app = create_app(config, prepared)
    state = app.extensions["plankg"]
    counting = Counting(state.store)
    app.extensions["plankg"] = dataclasses.replace(state, store=counting)
    return app, counting


def first_page_ms(app: Any) -> float:
    """A worker's first page: the atlas and the search index are loaded for it."""
    started = time.perf_counter()
    response = app.test_client().get("/doc/kommune/0621", headers={"Accept": "text/html"})
    assert response.status_code == 200
    return (time.perf_counter() - started) * 1000


def first_pages(quads: list[ox.Quad] | None, folder: Path) -> str:
    """The first page with the files written beside the store, and reading the whole store instead."""
    ms = [first_page_ms(app_on(quads, folder, derived)[0]) for derived in (True, False) for _ in range(3)]
    loaded, read = statistics.median(ms[:3]), statistics.median(ms[3:])
    return f"first page {loaded:.0f} ms, reading the store {read:.0f} ms ({read / loaded:.1f}x)"


def measure(app: Any, counting: Counting, path: str, accept: str, repeat: int = 7) -> tuple[float, int]:
    client = app.test_client()
    client.get(path, headers={"Accept": accept})  # the atlas and search index are built once per version
    times, calls = [], 0
    for _ in range(repeat):
        counting.calls = 0
        started = time.perf_counter()
        response = client.get(path, headers={"Accept": accept})
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        calls = counting.calls
    return statistics.median(times), calls


def main() -> None:
    sizes = [int(s) for s in sys.argv[1:]] or [100_000]
    with tempfile.TemporaryDirectory() as tmp:
        base_app, base_count = app_on(None, Path(tmp) / "project")
        project_quads = load_project().quads
        pages = {0: with_the_most_cited_source(project_quads)}
        baseline = {name: measure(base_app, base_count, *page) for name, page in pages[0].items()}
        project = len(project_quads)
        firsts = [f"project: {first_pages(None, Path(tmp) / 'project')}"]
        results = {}
        for size in sizes:
            started = time.perf_counter()
            quads = generate(size)
            app, counting = app_on(quads, Path(tmp) / f"s{size}")
            made = time.perf_counter() - started
            pages[size] = with_the_most_cited_source(quads)
            results[size] = {name: measure(app, counting, *page) for name, page in pages[size].items()}
            firsts.append(f"~{size:,}: store made in {made:.0f} s; {first_pages(quads, Path(tmp) / f's{size}')}")
        print("\n".join(firsts))
        print(f"{'page':24} {'project ms':>11} {'lookups':>8}")
        print(f"{'':24} {project:>11,} quads" + "".join(f"   ~{size:>9,} quads          " for size in sizes))
        for size in sizes:
            print(f"~{size:,}: the most cited source is {pages[size][CITED[0]][0]}")
        for name in pages[0]:
            ms, calls = baseline[name]
            line = f"{name:24} {ms:11.1f} {calls:8d}"
            for size in sizes:
                big_ms, big_calls = results[size][name]
                line += f"   {big_ms:9.1f} ms {big_calls:5d} lk {big_ms / ms:5.1f}x"
            print(line, flush=True)


if __name__ == "__main__":
    main()
