"""Load test of a live ``plankg serve`` on 127.0.0.1: a mix of pages, SPARQL and GeoJSON at rising concurrency.

Each step runs a fixed number of requests (bounded) with N concurrent keep-alive clients and
prints throughput, p50/p99 latency, and the answers by status; the baseline run in the same
process is the server's cheapest route (``/-/health``) at the same concurrency, so the ratio
says how much of the server's capacity the mix uses. Steps go on until throughput stops growing
and 503s (shed load, with Retry-After) appear. Run: ``python benchmarks/bench_load.py [--workers N]
[--levels 1,2,4,...]`` (gunicorn workers, default 1).
"""

from __future__ import annotations

import http.client
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadgen import figures, run_clients  # noqa: E402

MEMBERS = """PREFIX org: <http://www.w3.org/ns/org#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?name WHERE { <https://w3id.org/plankg/id/samarbejde/vestegnssamarbejdet> org:hasMember ?m .
?m skos:prefLabel ?name FILTER(LANG(?name) = "da") } ORDER BY ?name"""
MIX = [
    ("page", "/doc/kommune/0621", {"Accept": "text/html"}),
    ("page", "/doc/samarbejde/trekantomraadet?lang=en", {"Accept": "text/html"}),
    ("rdf", "/doc/kommune/0510.ttl", {}),
    ("sparql", "/sparql?query=" + quote(MEMBERS), {"Accept": "application/sparql-results+json"}),
    ("sparql", "/sparql?query=" + quote("ASK { ?s ?p ?o }"), {"Accept": "application/sparql-results+json"}),
    ("geojson", "/doc/kommune/0621.geojson", {}),
    ("geojson", "/doc/samarbejde/trekantomraadet.geojson", {}),
]
LEVELS = (1, 2, 4, 8, 16, 32, 64)
REQUESTS_PER_LEVEL = 600


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(cache: Path, workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "plankg", "serve", "--port", str(port), "--workers", str(workers)],
        env={**os.environ, "PLANKG_CACHE_DIR": str(cache)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/health", timeout=2):
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start")


def run_level(port: int, clients: int, total: int, mix: list[tuple[str, str, dict[str, str]]]) -> dict[str, object]:
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    retry_after = 0
    lock = threading.Lock()
    remaining = [total]

    def client(seed: int) -> None:
        nonlocal retry_after
        rng = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
            _, path, headers = rng.choice(mix)
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
                has_retry = response.getheader("Retry-After") is not None
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            except OSError:
                status, has_retry = 0, False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[status] += 1
                retry_after += status == 503 and has_retry
        connection.close()

    wall = run_clients(clients, client)
    return {**figures(latencies, wall), "statuses": dict(sorted(statuses.items())), "retry_after": retry_after}


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)))
    args = parser.parse_args()
    levels = [int(level) for level in args.levels.split(",")]
    print(f"gunicorn workers: {args.workers}")
    with tempfile.TemporaryDirectory(prefix="plankg-load-") as scratch:
        process, port = start_server(Path(scratch), args.workers)
        try:
            for _, path, headers in MIX:  # warm every route once
                urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers))
            header = ("clients", "mix req/s", "p50 ms", "p99 ms", "health req/s", "ratio")
            print("{:>7} {:>10} {:>8} {:>8} {:>13} {:>6}  statuses".format(*header))
            best = 0.0
            for clients in levels:
                mix = run_level(port, clients, REQUESTS_PER_LEVEL, MIX)
                health = run_level(port, clients, REQUESTS_PER_LEVEL, [("health", "/-/health", {})])
                ratio = float(mix["rps"]) / float(health["rps"])  # type: ignore[arg-type]
                print(
                    f"{clients:>7} {mix['rps']:>10.1f} {mix['p50']:>8.1f} {mix['p99']:>8.1f} "
                    f"{health['rps']:>13.1f} {ratio:>6.2f}  {mix['statuses']} "
                    f"(503 with Retry-After: {mix['retry_after']})"
                )
                answered = float(mix["rps"]) * mix["statuses"].get(200, 0) / REQUESTS_PER_LEVEL  # type: ignore[arg-type, attr-defined]
                best = max(best, answered)
        finally:
            process.terminate()
            process.wait(30)
    print(f"saturation throughput of the mix (answered 200): {best:.0f} req/s")


if __name__ == "__main__":
    main()
