"""Benchmark of the SPARQL endpoint on synthetic data at ~10k, ~100k and ~1M triples.

Prints, per size: load time into the on-disk store, per-query medians on pyoxigraph (through
plankg's executor, serialisation included) against rdflib's SPARQL engine run in the same process
(10k and 100k; at 1M rdflib is not run), and, over HTTP on 127.0.0.1 with a bounded load
generator, throughput and latency of lookup queries (one triple pattern: answered in place) at 1
and 8 concurrent clients against a trivial Flask route under the same gunicorn settings, against plankg's
``/-/health`` (its per-request hooks without a query) and against the same lookups with a ``FILTER (true)``
(the same answers through the query processes), and
memory (PSS summed over every server process).
Run: ``python benchmarks/bench_endpoint.py [SIZES...]`` (default 10000 100000 1000000).
"""

from __future__ import annotations

import http.client
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadgen import figures, run_clients
from synthetic import each_size, generate, write_dumps

from plankg.domain.evaluate import QueryRequest, execute
from plankg.domain.serving import create_store
from plankg.tables.queries import find_query, runnable_text

P = """PREFIX org: <http://www.w3.org/ns/org#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX time: <http://www.w3.org/2006/time#> PREFIX plankg: <https://w3id.org/plankg/def/core/>
PREFIX dct: <http://purl.org/dc/terms/> PREFIX geo: <http://www.opengis.net/ont/geosparql#>
"""
COOP = "https://w3id.org/plankg/id/samarbejde/syntetisk-{}"
#: rdflib is stopped after this many seconds per query; its time then counts as this (a lower bound).
RDFLIB_CAP = 60.0
MIX = {
    "lookup": P + "SELECT ?p ?o { <" + COOP.format(7) + "> ?p ?o }",
    # The named query with its day bound in its text (as /queries/{name} writes it for any client).
    "members-on-date": runnable_text(find_query("members-on-date"), {"date": "2015-06-01"}),
    "group-by-having": P + "SELECT ?m (COUNT(?c) AS ?n) { ?c org:hasMember ?m ; a org:OrganizationalCollaboration }"
    " GROUP BY ?m HAVING (COUNT(?c) > 5) ORDER BY DESC(?n) LIMIT 20",
    "shared-themes": P
    + "SELECT DISTINCT ?t { <"
    + COOP.format(3)
    + "> plankg:theme|^org:subOrganizationOf/plankg:theme ?t"
    " . <" + COOP.format(4) + "> plankg:theme|^org:subOrganizationOf/plankg:theme ?t }",
    "property-path": P + "SELECT ?unit ?scheme { ?unit org:subOrganizationOf+ <" + COOP.format(11) + "> ;"
    " org:classification/skos:inScheme ?scheme }",
    "optional-lang": P
    + 'SELECT ?c ?da ?en { ?c a org:OrganizationalCollaboration ; skos:prefLabel ?da FILTER(LANG(?da) = "da")'
    ' OPTIONAL { ?c skos:prefLabel ?en FILTER(LANG(?en) = "en") } } LIMIT 200',
    "order-by-limit": P + "SELECT ?c (COUNT(?m) AS ?n) { ?c org:hasMember ?m ; a org:OrganizationalCollaboration }"
    " GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT 10",
    "text-search": P + "SELECT ?c ?label { ?c a org:OrganizationalCollaboration ; skos:prefLabel ?label"
    ' FILTER(CONTAINS(LCASE(?label), "fjordkyst")) } LIMIT 50',
    "count-by-theme": P
    + "SELECT ?t (COUNT(?c) AS ?n) { ?c a org:OrganizationalCollaboration ; plankg:theme ?t } GROUP BY ?t",
    "neighbouring-members": P + "SELECT ?a ?b { <" + COOP.format(5) + "> org:hasMember ?a , ?b . ?a dct:spatial ?ta ."
    " ?b dct:spatial ?tb . ?ta geo:sfTouches ?tb FILTER(STR(?a) < STR(?b)) }",
    "municipality-memberships": P + "SELECT ?c ?begin { ?ms org:member <https://w3id.org/plankg/id/kommune/0621> ;"
    " org:organization ?c ; org:memberDuring/time:hasBeginning/(time:inXSDgYear|time:inXSDgYearMonth|time:inXSDDate)"
    " ?begin } ORDER BY ?begin LIMIT 100",
    "board-seats": P
    + "SELECT ?board { ?board org:hasMember <https://w3id.org/plankg/id/kommune/0101/post/borgmester> ;"
    " org:classification <https://w3id.org/plankg/def/enhedstype/bestyrelse> } LIMIT 100",
}


def median_ms(action, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def rdflib_median_ms(dataset, text: str, repeat: int, cap: float) -> tuple[float, bool]:  # type: ignore[no-untyped-def]
    """rdflib's median in a forked child, stopped after ``cap`` seconds (then the cap is a lower bound)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()

    def run() -> None:
        child.send(median_ms(lambda: list(dataset.query(text)), repeat))

    process = context.Process(target=run)
    process.start()
    finished = parent.poll(cap)
    value = parent.recv() if finished else cap * 1000
    process.kill()
    process.join()
    return value, not finished


def rdflib_dataset(quads: list[ox.Quad]):  # type: ignore[no-untyped-def]
    from rdflib import Dataset

    from plankg.domain.rdf import to_rdflib

    dataset = Dataset(default_union=True)
    graphs = {}
    for q in quads:
        name = q.graph_name.value  # type: ignore[union-attr]
        if name not in graphs:
            graphs[name] = dataset.graph(to_rdflib(q.graph_name))  # type: ignore[arg-type]
        graphs[name].add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))  # type: ignore[arg-type]
    return dataset


def pss_kib(root: int) -> int:
    """PSS summed over ``root`` and all its descendants (from /proc/*/smaps_rollup)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def start(store: Path, port: int, trivial: bool = False) -> subprocess.Popen[bytes]:
    args = [sys.executable, str(Path(__file__).with_name("serve_store.py")), str(store), str(port)]
    process = subprocess.Popen(
        [*args, "trivial"] if trivial else args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/-/health")
            if connection.getresponse().status == 200:
                connection.close()
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not start")


def load(port: int, paths: list[str], clients: int, per_client: int, seconds: float) -> dict[str, float]:
    """A bounded load: ``clients`` threads, each at most ``per_client`` requests and ``seconds`` long."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def client(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        bad = 0
        deadline = time.monotonic() + seconds
        for _ in range(per_client):
            if time.monotonic() > deadline:
                break
            started = time.perf_counter()
            connection.request("GET", rng.choice(paths), headers={"Accept": "application/sparql-results+json"})
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            bad += response.status != 200
        connection.close()
        with lock:
            latencies.extend(mine)
            errors += bad

    wall = run_clients(clients, client)
    return {**figures(latencies, wall), "errors": errors}


def bench_size(size: int, folder: Path) -> None:
    print(f"\n=== ~{size:,} triples ===", flush=True)
    quads = generate(size)
    started = time.perf_counter()
    dump, union = write_dumps(quads, folder, f"synthetic-{size}")
    written = time.perf_counter() - started
    store_dir = folder / f"store-{size}"
    started = time.perf_counter()
    create_store(dump, folder / f"copied-{size}", "https://w3id.org/plankg/")  # the union copied through Python
    copied = time.perf_counter() - started
    shutil.rmtree(folder / f"copied-{size}")
    started = time.perf_counter()
    create_store(dump, store_dir, "https://w3id.org/plankg/", union)
    seconds = time.perf_counter() - started
    print(f"quads {len(quads):,}; dumps written (N-Quads, the union as N-Triples, as the build does): {written:.1f} s")
    print(
        f"load into the on-disk store (parse + index + union graph + compaction + atlas and search index):"
        f" {seconds:.1f} s (the dump and the union in one bulk load); {copied:.1f} s with every quad copied"
    )
    store = ox.Store.read_only(str(store_dir / "db"))
    baseline = rdflib_dataset(quads) if size <= 100_000 else None
    print(f"{'query':26} {'pyoxigraph ms':>14} {'rdflib ms':>11} {'ratio':>8}")
    ratios = []
    for name, text in MIX.items():
        request = QueryRequest(text)
        oxi = median_ms(lambda r=request, s=store: execute(s, r, 1_000_000), 7)  # type: ignore[misc]
        if baseline is not None:
            rdf, capped = rdflib_median_ms(baseline, text, 3, RDFLIB_CAP)
            ratios.append(rdf / oxi)
            mark = ">" if capped else " "
            print(f"{name:26} {oxi:14.2f} {mark}{rdf:10.1f} {mark}{rdf / oxi:6.0f}x", flush=True)
        else:
            print(f"{name:26} {oxi:14.2f} {'-':>11} {'-':>8}", flush=True)
    if ratios:
        geometric = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        print(f"geometric mean rdflib/pyoxigraph: {geometric:.0f}x (a lower bound where rdflib was stopped)")
    del store
    if size >= 100_000:
        http_bench(store_dir / "db", quads)


def http_bench(store: Path, quads: list[ox.Quad]) -> None:
    cooperations = sorted(
        {
            q.subject.value
            for q in quads
            if q.subject.value.startswith(COOP.format("")) and q.subject.value.count("/") == 6
        }
    )
    lookups = [f"/sparql?query={quote('SELECT ?p ?o { <' + c + '> ?p ?o }')}" for c in cooperations[:2000]]
    # the same answers from a query that is not one pattern alone: through the query processes
    through = [
        f"/sparql?query={quote('SELECT ?p ?o { <' + c + '> ?p ?o FILTER (true) }')}" for c in cooperations[:2000]
    ]
    port = 5700 + random.randint(0, 200)
    series = (
        ("trivial Flask route", True, ["/trivial"]),
        # plankg's own route that asks no query: what its hooks (access log, metrics, headers, admission) cost
        ("plankg /-/health", False, ["/-/health"]),
        ("SPARQL lookups", False, lookups),
        ("the same, via processes", False, through),
    )
    for label, trivial, paths in series:
        process = start(store, port, trivial)
        try:
            load(port, paths, 4, 50, 10)  # warm-up
            for clients in (1, 8):
                r = load(port, paths, clients, 2000 // clients, 20)
                print(
                    f"{label:20} {clients} client(s): {r['rps']:7.0f} req/s  p50 {r['p50']:6.2f} ms  "
                    f"p99 {r['p99']:6.2f} ms  errors {r['errors']:.0f} of {r['n']:.0f}",
                    flush=True,
                )
            print(f"{label:20} memory (PSS, all server processes): {pss_kib(process.pid) / 1024:.0f} MiB")
        finally:
            process.terminate()
            process.wait(30)


if __name__ == "__main__":
    each_size(bench_size)
