"""plankg on its embedded engine against plankg over Virtuoso, on the same synthetic data, side by side.

For each size: the time to make each store (on-disk bulk load; ``plankg publish`` into Virtuoso),
the median of each query of the endpoint benchmark's mix and of resource documents over HTTP on
127.0.0.1 (the embedded plankg is the baseline of the ratio), and the throughput of lookups at 8
concurrent clients. Needs Debian's virtuoso-opensource (a private instance is started on loopback).
Run: ``python benchmarks/bench_remote.py [SIZES...]`` (default 100000 1000000).
"""

from __future__ import annotations

import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_endpoint import COOP, MIX, load, start  # noqa: E402
from synthetic import generate, write_dumps  # noqa: E402
from tests.support import free_port  # noqa: E402
from tests.virtuoso import Virtuoso  # noqa: E402

from plankg.domain.config import load_config  # noqa: E402
from plankg.domain.publish import publish  # noqa: E402
from plankg.domain.remote import Endpoints  # noqa: E402
from plankg.domain.serving import create_store  # noqa: E402
from plankg.tables.vocab import CANONICAL_BASE  # noqa: E402

DOCUMENTS = {
    "municipality (Turtle)": "/doc/kommune/0621.ttl",
    "municipality (HTML)": "/doc/kommune/0621",
    "cooperation (HTML)": "/doc/" + COOP.format(7).removeprefix(CANONICAL_BASE + "id/"),
    "municipality (GeoJSON)": "/doc/kommune/0621.geojson",
    "region (HTML)": "/doc/region/1083",
    "municipalities (HTML)": "/doc/kommune",
}
REPEAT = 5
TIMEOUT = "60"


def median_ms(port: int, method: str, path: str, body: bytes | None = None) -> tuple[float, int]:
    times, status = [], 0
    for _ in range(REPEAT):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Accept": "application/sparql-results+json"} if body is not None else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        times.append(time.perf_counter() - started)
        status = response.status
        connection.close()
    return statistics.median(times) * 1000, status


def start_remote(virtuoso: Virtuoso, cache: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {**os.environ, **virtuoso.env, "PLANKG_CACHE_DIR": str(cache), "PLANKG_QUERY_TIMEOUT": TIMEOUT}
    process = subprocess.Popen(
        [sys.executable, "-m", "plankg", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(600):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/-/health")
            if connection.getresponse().status == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the Virtuoso-backed plankg did not start")


def bench_size(size: int, folder: Path) -> None:
    print(f"\n=== ~{size:,} triples ===", flush=True)
    quads = generate(size)
    dump, union = write_dumps(quads, folder, f"synthetic-{size}")
    started = time.perf_counter()
    create_store(dump, folder / f"store-{size}", CANONICAL_BASE, union)
    embedded_load = time.perf_counter() - started
    virtuoso = Virtuoso(folder / f"virtuoso-{size}")
    try:
        started = time.perf_counter()
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        publish(Endpoints.from_config(load_config(environ=virtuoso.env)), quads, f"synthetic-{size}", stamp, [])
        remote_load = time.perf_counter() - started
        print(f"make the store: embedded {embedded_load:.1f} s, Virtuoso (plankg publish) {remote_load:.1f} s")
        port = free_port()
        os.environ["PLANKG_QUERY_TIMEOUT"] = TIMEOUT
        embedded = start(folder / f"store-{size}" / "db", port)
        remote, remote_port = start_remote(virtuoso, folder / f"cache-{size}")
        try:
            print(f"{'':28} {'embedded ms':>12} {'Virtuoso ms':>12} {'ratio':>7}")
            ratios = []
            for name, text in MIX.items():
                body = urllib.parse.urlencode({"query": text}).encode()
                a, sa = median_ms(port, "POST", "/sparql", body)
                b, sb = median_ms(remote_port, "POST", "/sparql", body)
                ratios.append(b / a)
                print(f"{name:28} {a:>12.1f} {b:>12.1f} {b / a:>7.2f}  (statuses {sa}, {sb})")
            for name, path in DOCUMENTS.items():
                a, sa = median_ms(port, "GET", path)
                b, sb = median_ms(remote_port, "GET", path)
                ratios.append(b / a)
                print(f"{name:28} {a:>12.1f} {b:>12.1f} {b / a:>7.2f}  (statuses {sa}, {sb})")
            geomean = statistics.geometric_mean(ratios)
            print(f"geometric mean Virtuoso/embedded: {geomean:.2f}")
            lookups = ["/sparql?query=" + urllib.parse.quote(MIX["lookup"])]
            a = load(port, lookups, 8, 200, 10)
            b = load(remote_port, lookups, 8, 200, 10)
            print(
                f"lookups, 8 clients: embedded {a['rps']:.0f} req/s (p50 {a['p50']:.1f} ms), "
                f"Virtuoso {b['rps']:.0f} req/s (p50 {b['p50']:.1f} ms); errors {a['errors']}, {b['errors']}"
            )
        finally:
            for process in (embedded, remote):
                process.terminate()
                process.wait(30)
    finally:
        virtuoso.stop()


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100_000, 1_000_000]
    with tempfile.TemporaryDirectory(prefix="plankg-bench-remote-") as scratch:
        for size in sizes:
            bench_size(size, Path(scratch))


if __name__ == "__main__":
    main()
