"""plankg beside Oxigraph's own server, on the same store, in one interleaved run.

Per size (``project``: the project's data; or a number: the synthetic data of that size), the build's
store is served twice on 127.0.0.1: by plankg (``serve_store.py``: the real app under its
production gunicorn settings, every query in a killable query process) and by ``oxigraph
serve-read-only`` (pip package ``oxigraph``, the same engine as plankg's pyoxigraph) over the very
same on-disk store. Every named query with its declared defaults, and a single-resource lookup,
are asked of both in turn, round after round, over keep-alive HTTP connections (POST), asking for
SPARQL JSON; the answers are compared (the same bindings, in any order). Prints per-query medians, the
ratio plankg / Oxigraph and the geometric mean of the ratios over the named queries.
Run: ``python benchmarks/bench_peers.py [project] [SIZES...]`` (default ``project``).
"""

from __future__ import annotations

import http.client
import json
import math
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_endpoint import start
from synthetic import generate, on_disk

from plankg.domain.assemble import load_project
from plankg.tables.queries import list_queries, runnable_text

JSON = "application/sparql-results+json"
LOOKUP = "SELECT ?p ?o { <https://w3id.org/plankg/id/kommune/0621> ?p ?o }"


def start_oxigraph(store: Path, port: int) -> subprocess.Popen[bytes]:
    """``oxigraph serve-read-only`` over ``store``, once it answers."""
    command = shutil.which("oxigraph")
    if command is None:
        raise SystemExit("the oxigraph server is not installed: python -m pip install -c constraints.txt oxigraph")
    process = subprocess.Popen(
        [command, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            ask(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "/query", "ASK {}")
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("oxigraph did not start")


def ask(connection: http.client.HTTPConnection, path: str, query: str) -> bytes:
    # POST (the protocol's "query via POST directly"): some named queries are longer than a request line may be
    connection.request(
        "POST", path, body=query.encode(), headers={"Accept": JSON, "Content-Type": "application/sparql-query"}
    )
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status} {body[:200]!r}")
    return body


def bindings(body: bytes) -> list[str]:
    answer = json.loads(body)
    if "boolean" in answer:
        return [str(answer["boolean"])]
    return sorted(json.dumps(row, sort_keys=True) for row in answer["results"]["bindings"])


def prepare(size: str, folder: Path) -> Path:
    """The store of the project's data or of the synthetic data of ``size``, as the build prepares it."""
    quads = list(load_project().quads) if size == "project" else generate(int(size))
    print(f"\n=== {size}: {len(quads):,} quads ===", flush=True)
    return on_disk(quads, folder, f"data-{size}")


def bench(size: str, folder: Path, rounds: int) -> None:
    store = prepare(size, folder)
    queries = {q.name: runnable_text(q) for q in list_queries()}
    queries["lookup (one resource)"] = LOOKUP
    port = 5900 + random.randint(0, 90)
    servers = [start(store, port), start_oxigraph(store, port + 100)]
    try:
        ours = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        theirs = http.client.HTTPConnection("127.0.0.1", port + 100, timeout=120)
        times: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in queries}
        differ = set()
        for round_ in range(rounds + 1):  # the first round warms both up and is not counted
            for name, text in queries.items():
                answers = []
                for connection, path, kept in ((ours, "/sparql", times[name][0]), (theirs, "/query", times[name][1])):
                    started = time.perf_counter()
                    answers.append(ask(connection, path, text))
                    if round_:
                        kept.append((time.perf_counter() - started) * 1000)
                if round_ == 0 and bindings(answers[0]) != bindings(answers[1]):
                    differ.add(name)
        report(times, differ)
    finally:
        for server in servers:
            server.terminate()
            server.wait(30)


def report(times: dict[str, tuple[list[float], list[float]]], differ: set[str]) -> None:
    print(f"{'query':42} {'plankg ms':>10} {'oxigraph ms':>12} {'ratio':>7}")
    ratios = []
    for name, (ours, theirs) in times.items():
        mine, other = statistics.median(ours), statistics.median(theirs)
        if not name.startswith("lookup"):
            ratios.append(mine / other)
        mark = "  (answers differ)" if name in differ else ""
        print(f"{name:42} {mine:10.2f} {other:12.2f} {mine / other:6.2f}x{mark}", flush=True)
    geometric = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
    print(f"geometric mean over the {len(ratios)} named queries, plankg / oxigraph: {geometric:.2f}x")


def main() -> None:
    sizes = sys.argv[1:] or ["project"]
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            bench(size, Path(folder), 30 if size == "project" else 5)


if __name__ == "__main__":
    main()
