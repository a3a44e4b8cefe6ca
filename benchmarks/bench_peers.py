"""plankg beside its peers on the same data, in one interleaved run.

Per size (``project``: the project's data; or a number: the synthetic data of that size), the build's
data are served on 127.0.0.1 by plankg (``serve_store.py``: the real app under its production gunicorn
settings, every query in a killable query process but a lookup of one triple pattern, answered in
place) and by its peers:

- ``oxigraph serve-read-only`` (pip package ``oxigraph``, the same engine as plankg's pyoxigraph) over
  the very same on-disk store;
- rdflib-endpoint (``serve_rdflib.py``: rdflib's engine behind FastAPI and uvicorn) over the dump, where
  the package is installed (``pip install -c constraints.txt -e '.[bench]'``);
- OpenLink Virtuoso (a private instance, as the tests start it) with the dump bulk-loaded, where Debian's
  virtuoso-opensource is installed.

Every named query with its declared defaults, and a single-resource lookup, are asked of each in turn,
round after round, over keep-alive HTTP connections (POST), asking for SPARQL JSON; in the same rounds,
plankg's own pages and documents (``bench_pages.PAGES``: a municipality's and a cooperation's page, the
municipality's Turtle and GeoJSON, the cooperation's GeoJSON, the first page of the cooperations) are
asked of plankg (GET with their Accept), which alone serves them. The first round
warms up and compares the answers with plankg's (the same values per row, in any order). A peer that
takes longer than ``CAP`` seconds on a query is restarted and not asked that query again (its time is
then a lower bound); an error is shown as such. Prints per-query medians, each peer's time as a ratio
plankg / peer (below 1: plankg is faster), the geometric mean of the ratios over the named queries and
on how many plankg is faster.
Run: ``python benchmarks/bench_peers.py [project] [SIZES...] [--without PEER]...`` (default ``project``; a peer
left out by name: ``oxigraph``, ``rdflib-endpoint``, ``virtuoso``).
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import math
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_endpoint import start  # noqa: E402
from bench_pages import PAGES  # noqa: E402
from synthetic import generate, on_disk  # noqa: E402

from plankg.domain.assemble import load_project  # noqa: E402
from plankg.tables.queries import list_queries, runnable_text  # noqa: E402

JSON = "application/sparql-results+json"
LOOKUP = "SELECT ?p ?o { <https://w3id.org/plankg/id/kommune/0621> ?p ?o }"
CAP = 60.0


@dataclass
class Peer:
    """A running SPARQL server and how to ask it."""

    name: str
    port: int
    path: str
    stop: Callable[[], None]
    restart: Callable[[], None] | None = None
    form: bool = False  # POST as a form (query=…) rather than the query itself
    times: dict[str, list[float]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # query → "> 60 s", "error …", "answers differ"
    sizes: dict[str, int] = field(default_factory=dict)  # page → bytes
    connection: http.client.HTTPConnection | None = None

    def ask(self, query: str) -> bytes:
        """The answer to ``query`` (POSTed) as SPARQL JSON."""
        body, kind = query.encode(), "application/sparql-query"
        if self.form:
            body, kind = urllib.parse.urlencode({"query": query}).encode(), "application/x-www-form-urlencoded"
        return self.exchange("POST", self.path, body, {"Accept": JSON, "Content-Type": kind})

    def fetch(self, path: str, accept: str) -> bytes:
        """A page or document of the server's own (a GET)."""
        return self.exchange("GET", path, None, {"Accept": accept})

    def exchange(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> bytes:
        for attempt in (1, 2):  # a server may close a kept-alive connection that sat idle: one new one
            fresh = self.connection is None
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=CAP)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                answer = response.read()
                break
            except OSError as error:
                self.connection.close()
                self.connection = None
                closed = isinstance(error, (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected))
                if fresh or attempt == 2 or not closed:
                    raise
        if response.status != 200:
            raise RuntimeError(f"{response.status} {answer[:120]!r}")
        return answer


def wait_for(port: int, path: str, process: subprocess.Popen[bytes], seconds: float, form: bool = False) -> None:
    probe = Peer("probe", port, path, lambda: None, form=form)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            probe.ask("ASK {}")
            return
        except (OSError, RuntimeError):
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"the server on port {port} did not start")


def plankg_peer(store: Path, port: int) -> Peer:
    process = start(store, port)
    return Peer("plankg", port, "/sparql", lambda: _end(process))


def oxigraph_peer(store: Path, port: int) -> Peer | None:
    command = shutil.which("oxigraph")
    if command is None:
        print("oxigraph is not installed: python -m pip install -c constraints.txt -e '.[bench]'")
        return None
    args = [command, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(port, "/query", process, 60)
    return Peer("oxigraph", port, "/query", lambda: _end(process))


def rdflib_peer(dump: Path, port: int) -> Peer | None:
    if importlib.util.find_spec("rdflib_endpoint") is None or importlib.util.find_spec("uvicorn") is None:
        print("rdflib-endpoint is not installed: python -m pip install -c constraints.txt -e '.[bench]'")
        return None
    running: list[subprocess.Popen[bytes]] = []

    def launch() -> None:
        for old in running:
            _end(old)
        running[:] = [subprocess.Popen([sys.executable, str(HERE / "serve_rdflib.py"), str(dump), str(port)])]
        wait_for(port, "/", running[0], 1800, form=True)

    launch()
    return Peer("rdflib-endpoint", port, "/", lambda: _end(running[0]), restart=launch, form=True)


def virtuoso_peer(dump: Path, folder: Path) -> Peer | None:
    if shutil.which("virtuoso-t") is None or shutil.which("isql-vt") is None:
        print("Virtuoso is not installed (Debian package virtuoso-opensource)")
        return None
    from tests.virtuoso import Virtuoso

    virtuoso = Virtuoso(folder / f"virtuoso-{dump.stem}")  # a database of its own for each size in the run
    shutil.copy(dump, virtuoso.folder / "data.nq")
    virtuoso._sql(f"ld_dir('{virtuoso.folder}', 'data.nq', 'urn:plankg:default'); rdf_loader_run(); checkpoint;")
    return Peer("virtuoso", virtuoso.http_port, "/sparql", virtuoso.stop, form=True)


def _end(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


def values(body: bytes) -> list[str]:
    """The answer's rows as each variable's value (engines differ in how they write datatypes); a list
    that GROUP_CONCAT made (", ") as a set, since the order of its parts is not defined."""
    answer = json.loads(body)
    if "boolean" in answer:
        return [str(answer["boolean"])]
    rows = answer["results"]["bindings"]
    return sorted(
        json.dumps({k: ", ".join(sorted(v["value"].split(", "))) for k, v in row.items()}, sort_keys=True)
        for row in rows
    )


def prepare(size: str, folder: Path) -> tuple[Path, Path]:
    """The on-disk store and the N-Quads dump of the project's data or of the synthetic data of ``size``."""
    quads = list(load_project().quads) if size == "project" else generate(int(size))
    print(f"\n=== {size}: {len(quads):,} quads ===", flush=True)
    return on_disk(quads, folder, f"data-{size}"), folder / f"data-{size}.nq"


def ask_each(peers: list[Peer], name: str, text: str, counted: bool) -> None:
    """One round of one query: every peer in turn; the first round compares answers with plankg's."""
    answers: dict[str, list[str]] = {}
    for peer in peers:
        if name in peer.notes and not peer.notes[name].startswith("answers"):
            continue
        started = time.perf_counter()
        try:
            body = peer.ask(text)
        except TimeoutError:
            peer.notes[name] = f"> {CAP:.0f} s"
            if peer.restart is not None:
                peer.restart()
            continue
        except (OSError, RuntimeError) as error:
            peer.notes[name] = f"error: {str(error)[:60]}"
            continue
        if counted:
            peer.times.setdefault(name, []).append((time.perf_counter() - started) * 1000)
        else:
            answers[peer.name] = values(body)
    for peer in peers[1:]:
        if not counted and peer.name in answers and answers[peer.name] != answers.get("plankg"):
            peer.notes[name] = "answers differ"


def fetch_pages(ours: Peer, counted: bool) -> None:
    """One round of plankg's own pages and documents (no peer serves them), asked as a browser or a
    linked-data client would (GET with that Accept)."""
    for name, (path, accept) in PAGES.items():
        started = time.perf_counter()
        try:
            body = ours.fetch(path, accept)
        except (OSError, RuntimeError) as error:
            ours.notes[name] = f"error: {str(error)[:60]}"
            continue
        if counted:
            ours.times.setdefault(name, []).append((time.perf_counter() - started) * 1000)
        ours.sizes[name] = len(body)


def bench(size: str, folder: Path, rounds: int, left_out: set[str]) -> None:
    store, dump = prepare(size, folder)
    queries = {q.name: runnable_text(q) for q in list_queries()}
    queries["lookup (one resource)"] = LOOKUP
    port = 5900 + random.randint(0, 90)
    launchers: dict[str, Callable[[], Peer | None]] = {
        "oxigraph": lambda: oxigraph_peer(store, port + 100),
        "rdflib-endpoint": lambda: rdflib_peer(dump, port + 200),
        "virtuoso": lambda: virtuoso_peer(dump, folder),
    }
    started = [plankg_peer(store, port)] + [launch() for name, launch in launchers.items() if name not in left_out]
    peers = [p for p in started if p is not None]
    try:
        for round_ in range(rounds + 1):  # the first round warms every server up and is not counted
            for name, text in queries.items():
                ask_each(peers, name, text, counted=round_ > 0)
            fetch_pages(peers[0], counted=round_ > 0)
        report(peers, list(queries))
        report_pages(peers[0])
    finally:
        for peer in peers:
            peer.stop()


def report(peers: list[Peer], names: list[str]) -> None:
    ours, others = peers[0], peers[1:]
    for name, note in ours.notes.items():
        print(f"plankg on {name}: {note}")
    print(f"{'query':40} {'plankg ms':>10}" + "".join(f" {p.name + ' ms':>17} {'ratio':>6}" for p in others))
    ratios: dict[str, list[float]] = {p.name: [] for p in others}
    for name in names:
        mine = statistics.median(ours.times[name]) if name in ours.times else math.nan
        line = f"{name:40} {mine:10.2f}"
        for peer in others:
            if name in peer.times and name not in peer.notes and name in ours.times:
                theirs = statistics.median(peer.times[name])
                line += f" {theirs:17.2f} {mine / theirs:5.2f}x"
                if not name.startswith("lookup"):
                    ratios[peer.name].append(mine / theirs)
            else:
                line += f" {peer.notes.get(name, 'not asked')[:24]:>24}"
        print(line, flush=True)
    for peer in others:
        found = ratios[peer.name]
        if found:
            geometric = math.exp(sum(math.log(r) for r in found) / len(found))
            faster = sum(r < 1 for r in found)
            print(
                f"plankg / {peer.name}: geometric mean {geometric:.2f}x over {len(found)} named queries"
                f" answered alike in time; plankg faster on {faster}"
            )


def report_pages(ours: Peer) -> None:
    print(f"{'plankg page or document (GET, the same rounds)':56} {'ms':>8} {'bytes':>10}")
    for name, (path, _) in PAGES.items():
        label = f"{name} {path}"
        if name in ours.times:
            print(f"{label:56} {statistics.median(ours.times[name]):8.2f} {ours.sizes[name]:10,}")
        else:
            print(f"{label:56} {ours.notes.get(name, 'not asked')}")


def main() -> None:
    arguments = sys.argv[1:]
    left_out = {arguments[i + 1] for i, a in enumerate(arguments[:-1]) if a == "--without"}
    sizes = [a for i, a in enumerate(arguments) if a != "--without" and (i == 0 or arguments[i - 1] != "--without")]
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes or ["project"]:
            bench(size, Path(folder), 30 if size == "project" else 5, left_out)


if __name__ == "__main__":
    main()
