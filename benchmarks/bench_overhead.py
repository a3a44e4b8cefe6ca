"""Where a cheap SPARQL request's time goes (issue "Cost that grows with the page": the per-query overhead).

One lookup (``SELECT ?o { <kommune/0621> skos:prefLabel ?o }``, one row) on the project's data, taken apart:

- over HTTP on 127.0.0.1, one client with a kept-alive connection, every server asked in turn in each
  round (so that the machine's noise falls on all alike): a one-route Flask app under plankg's very
  gunicorn and waitress settings (the floor of any Flask endpoint), plankg's ``/-/health`` (its hooks
  without a query), plankg's ``/sparql`` (answered in place; and the same answer asked with a
  ``FILTER (true)``, which takes the trip to a query process), and ``oxigraph serve-read-only`` on
  the same store when installed; once with the requests back to back, once with 50 ms before each
  (requests that come now and then find the server's threads and processes asleep: each hop then
  costs a wake-up);
- in one process, without HTTP: the same three Flask answers called as WSGI applications, the
  lookup answered in place (``LookupsInPlace.answer``: a query of one triple pattern, rebuilt and
  answered by the serving process), the query pool's round trip that every other query takes
  (``QueryPool.run``; and, asked in turn, through a pool that wakes the worker that answered last, as
  plankg's does, and through one that wakes the longest idle, as it did before), the query evaluated
  and written where it is asked (``execute``: what a worker does), and the floor of any round trip to
  another process (a pipe echo).

Run: ``python benchmarks/bench_overhead.py [ROUNDS]`` (default 2000).
"""

from __future__ import annotations

import http.client
import io
import logging
import multiprocessing
import os
import queue
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Flask
from werkzeug.test import EnvironBuilder

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_endpoint import median_ms, start
from synthetic import on_disk

from plankg.domain.assemble import load_project
from plankg.domain.config import load_config
from plankg.domain.evaluate import QueryRequest, execute, open_store
from plankg.domain.executor import QueryPool
from plankg.domain.store import Prepared
from plankg.tables.formats import RESULT_FORMATS
from plankg.web.app import create_app

LOOKUP = "SELECT ?o { <https://w3id.org/plankg/id/kommune/0621> <http://www.w3.org/2004/02/skos/core#prefLabel> ?o }"
#: The same answer from a query that is not one pattern alone: it takes the trip to a query process.
THROUGH = LOOKUP.replace(" ?o }", " ?o FILTER (true) }")
ACCEPT = {"Accept": "application/sparql-results+json"}
#: The pause before each request in the second HTTP pass (seconds).
PAUSE = 0.05


def warm_median_ms(action: Callable[[], object], rounds: int) -> float:
    for _ in range(max(rounds // 10, 20)):  # warm-up
        action()
    return float(median_ms(action, rounds))


def _echo(conn: Connection) -> None:
    while (message := conn.recv()) is not None:
        conn.send(message)


def _wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/")
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def over_http(store: Path, rounds: int) -> dict[str, dict[str, float]]:
    """Medians over HTTP with requests back to back, and with a pause before each (as requests come
    sporadically): a process or thread asleep for a while takes longer to wake, once per hop."""
    port = 6200 + random.randint(0, 300)
    servers = [start(store, port), start(store, port + 1, trivial=True)]
    paths = {
        "Flask route, nothing else": (port + 1, "/trivial"),
        "plankg /-/health": (port, "/-/health"),
        "plankg /sparql lookup": (port, "/sparql?query=" + quote(LOOKUP)),
        "  the same via the query processes": (port, "/sparql?query=" + quote(THROUGH)),
    }
    if shutil.which("oxigraph"):
        args = ["oxigraph", "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port + 2}"]
        servers.append(subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        paths["oxigraph serve-read-only lookup"] = (port + 2, "/query?query=" + quote(LOOKUP))
        _wait_for(port + 2)
    try:
        connections = {name: http.client.HTTPConnection("127.0.0.1", p, timeout=30) for name, (p, _) in paths.items()}
        found = {}
        for pause, count in ((0.0, rounds), (PAUSE, max(rounds // 10, 50))):
            times: dict[str, list[float]] = {name: [] for name in paths}
            for round_ in range(count + 20):
                for name, (_, path) in paths.items():
                    time.sleep(pause)
                    started = time.perf_counter()
                    connections[name].request("GET", path, headers=ACCEPT)
                    response = connections[name].getresponse()
                    response.read()
                    if response.status != 200:
                        raise RuntimeError(f"{name}: {response.status}")
                    if round_ >= 20:  # the first rounds warm every server up
                        times[name].append(time.perf_counter() - started)
            found[pause] = {name: statistics.median(values) * 1000 for name, values in times.items()}
        return {"back to back": found[0.0], f"{PAUSE * 1000:.0f} ms apart": found[PAUSE]}
    finally:
        for server in servers:
            server.terminate()
            server.wait(30)


def wsgi_call(app: Flask, path: str) -> Callable[[], object]:
    environ = EnvironBuilder(path=path, headers=ACCEPT).get_environ()

    def call() -> object:
        return b"".join(app({**environ, "wsgi.input": io.BytesIO(b"")}, lambda *_: None))

    return call


def in_process(store: Path, rounds: int) -> dict[str, float]:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    (store.parent / "void.ttl").write_text("", "utf-8")
    app = create_app({"query_timeout": 30}, Prepared(store, store.parent, "benchmark", stamp, stamp, (), 0))
    for handler in logging.getLogger("plankg.access").handlers:  # written, as the servers above write theirs
        handler.setStream(open(os.devnull, "w"))  # type: ignore[attr-defined]  # noqa: SIM115
    bare = Flask("trivial")
    bare.get("/trivial")(lambda: "ok")
    state = app.extensions["plankg"]
    request = QueryRequest(LOOKUP, results=RESULT_FORMATS[0], held_graphs=state.held_graphs)
    engine = open_store(str(store))
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    echo = context.Process(target=_echo, args=(child,), daemon=True)
    echo.start()
    message = QueryRequest(LOOKUP)

    def round_trip() -> object:
        parent.send(message)
        return parent.recv()

    lifo, fifo = _pool_orders(store, request, rounds)
    try:
        return {
            "Flask route, nothing else": warm_median_ms(wsgi_call(bare, "/trivial"), rounds),
            "plankg /-/health": warm_median_ms(wsgi_call(app, "/-/health"), rounds),
            "plankg /sparql lookup": warm_median_ms(wsgi_call(app, "/sparql?query=" + quote(LOOKUP)), rounds),
            "answered in place (LookupsInPlace.answer)": warm_median_ms(lambda: state.pool.answer(request), rounds),
            "query pool round trip (QueryPool.run)": warm_median_ms(
                lambda: state.pool.runner.run(request, 30, 30), rounds
            ),
            "  its own pool, the worker that answered last": lifo,
            "  its own pool, the longest idle (before)": fifo,
            "evaluated and written in place (execute)": warm_median_ms(
                lambda: execute(engine, request, load_config().result_limit), rounds
            ),
            "a pipe round trip to another process": warm_median_ms(round_trip, rounds),
        }
    finally:
        parent.send(None)
        echo.join(5)
        state.pool.close()


def _pool_orders(store: Path, request: QueryRequest, rounds: int) -> tuple[float, float]:
    """The round trip through a pool that wakes the worker that answered last (plankg's) and through one
    that wakes the longest idle (first in, first out: the order before), asked in turn."""
    pools = [QueryPool(store, 2, load_config().result_limit) for _ in range(2)]
    fifo: queue.Queue[Any] = queue.Queue()  # the order before: the worker idle longest answers next
    for _ in range(2):
        fifo.put(pools[1]._idle.get(1))
    pools[1]._idle = fifo  # type: ignore[assignment]  # the same get and put, in the other order
    times: list[list[float]] = [[], []]
    try:
        for round_ in range(rounds + 100):
            for pool, found in zip(pools, times, strict=True):
                started = time.perf_counter()
                pool.run(request, 30, 30)
                if round_ >= 100:
                    found.append(time.perf_counter() - started)
    finally:
        for pool in pools:
            pool.close()
    return statistics.median(times[0]) * 1000, statistics.median(times[1]) * 1000


def show(title: str, figures: dict[str, float]) -> None:
    floor = figures["Flask route, nothing else"]
    print(f"\n{title}")
    print(f"{'':42} {'median ms':>10} {'x the Flask route':>18} {'its throughput share':>21}")
    for name, value in figures.items():
        print(f"{name:42} {value:10.3f} {value / floor:17.2f}x {floor / value * 100:20.0f} %")


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as folder:
        store = on_disk(list(load_project().quads), Path(folder), "project")
        for how, figures in over_http(store, rounds).items():
            show(f"over HTTP, one client, requests {how}", figures)
        local = in_process(store, rounds * 2)
        show("in one process, without HTTP", local)
        route = local["plankg /sparql lookup"] - local["plankg /-/health"]
        here = local["answered in place (LookupsInPlace.answer)"]
        trip = local["query pool round trip (QueryPool.run)"]
        work = local["evaluated and written in place (execute)"]
        print(
            f"\nThe lookup's route above /-/health: {route:.3f} ms, of which answering it in place {here:.3f} ms;"
            f" through the query processes it would take {trip:.3f} ms (the query's own work {work:.3f} ms,"
            f" a bare pipe round trip {local['a pipe round trip to another process']:.3f} ms)."
        )


if __name__ == "__main__":
    main()
