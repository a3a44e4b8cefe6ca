"""What the tests share besides fixtures: paths, the command line, a live server on loopback."""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = Path(__file__).resolve().parent / "data"


def select(store: ox.Store, query: str) -> list[dict[str, str]]:
    """Run a SELECT over the union of graphs; rows as {variable: lexical value}."""
    solutions = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
    return [{n: s[n].value for n in names if s[n] is not None} for s in solutions]  # type: ignore[union-attr]


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run the real ``plankg`` command line in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "plankg", *args], capture_output=True, text=True, cwd=cwd, timeout=300, check=False
    )


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LiveServer:
    """``plankg serve`` (gunicorn) in a subprocess on 127.0.0.1, stopped at the end."""

    def __init__(self, cache_dir: Path, *args: str, env: dict[str, str] | None = None) -> None:
        import os
        import time
        import urllib.request

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environment = {**os.environ, "PLANKG_CACHE_DIR": str(cache_dir), **(env or {})}
        # The log goes to a file, never an undrained pipe (a full pipe would block the server).
        self.log_path = Path(tempfile.mkstemp(prefix="plankg-serve-", suffix=".log")[1])
        self.log_file = self.log_path.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "plankg",
                "serve",
                "--port",
                str(self.port),
                *(a.replace("{port}", str(self.port)) for a in args),
            ],
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            env=environment,
            cwd=ROOT,
            text=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"plankg serve exited: {self.stop()}")
            try:
                with urllib.request.urlopen(self.url + "/-/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("plankg serve did not become healthy in 120 s")

    def log(self) -> str:
        """What the server has written so far."""
        self.log_file.flush()
        return self.log_path.read_text("utf-8", errors="replace")

    def stop(self) -> str:
        """Stop the server (SIGTERM, as an operator would) and return its log."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log_file.close()
        text = self.log_path.read_text("utf-8", errors="replace")
        self.log_path.unlink(missing_ok=True)
        return text


def processes(root: int) -> list[int]:
    """``root`` and all its descendants."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, frontier = [root], [root]
    while frontier:
        frontier = [c for p in frontier for c in children.get(p, [])]
        found += frontier
    return found


def alive(pid: int) -> bool:
    """The process exists and is not a zombie waiting for its parent to read its status."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


#: What the fake internal service holds: it must never reach a client.
SECRET = "plankg-test-secret-7f3a"


class Listener:
    """A fake internal service on 127.0.0.1: answers any HTTP request with a secret, counts connections."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        body = json.dumps(
            {"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "literal", "value": SECRET}}]}}
        ).encode()
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            with conn:
                conn.settimeout(1)
                try:
                    conn.recv(65536)
                    conn.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                        + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                        + body
                    )
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


#: (how a sheet may write it, the registry's name); every one must be matched.
SPELLINGS = [
    ("Kobenhavn", "København"),
    ("København", "København"),
    ("Københavns Kommune", "København"),
    ("Høje Taastrup Kommune", "Høje-Taastrup"),
    ("Hoeje-Taastrup", "Høje-Taastrup"),
    ("Århus", "Aarhus"),
    ("Aarhus Kommune", "Aarhus"),
    ("Arhus", "Aarhus"),
    ("Faaborg Midtfyn", "Faaborg-Midtfyn"),
    ("Brondby", "Brøndby"),
    ("Brøndby Kommune", "Brøndby"),
    ("KOLDING", "Kolding"),
    ("kolding kommune", "Kolding"),
    ("Bornholms Regionskommune", "Bornholm"),
    ("Lyngby-Taarbæk", "Lyngby-Taarbæk"),
    ("Ringkøbing Skjern", "Ringkøbing-Skjern"),
    ("Ringkobing-Skjern", "Ringkøbing-Skjern"),
    ("Ærø", "Ærø"),
    ("Aeroe", "Ærø"),
    ("Fanø", "Fanø"),
    ("Fanoe", "Fanø"),
    ("Gladsaxe", "Gladsaxe"),
    ("Albertslund Kommune", "Albertslund"),
    ("Ishoj", "Ishøj"),
    ("Hvidovre", "Hvidovre"),
    ("Odense Kommune", "Odense"),
    ("Region Sjælland", "Region Sjælland"),
    ("Region Hovedstaden", "Region Hovedstaden"),
    ("Syddanmark", "Region Syddanmark"),
    ("region midtjylland", "Region Midtjylland"),
]


def registry_ids() -> dict[str, str]:
    """Registry name → entity id, read from the project's tables."""
    ids = {}
    for table, path in (("municipalities.csv", "kommune"), ("regions.csv", "region")):
        with (ROOT / "data" / "registry" / table).open(encoding="utf-8") as handle:
            ids |= {row["navn"]: f"{path}/{row['kode']}" for row in csv.DictReader(handle)}
    return ids


#: The Plan09 article (the source of the cooperation facts), for expected answers read from its text.
# Whitespace folded: the captured page has non-breaking spaces where the data quote plain ones.
ARTICLE = " ".join(next((ROOT / "data").glob("kilder/plan09-*.txt")).read_text("utf-8").split())
TREKANT = "https://w3id.org/plankg/id/samarbejde/trekantomraadet"
VESTEGN = "https://w3id.org/plankg/id/samarbejde/vestegnssamarbejdet"


def names_in(sentence_pattern: str) -> set[str]:
    """The names listed 'A, B, C og D' in the article sentence the pattern finds."""
    match = re.search(sentence_pattern, ARTICLE)
    assert match, sentence_pattern
    return {n.strip() for n in re.split(r",| og ", match.group(1)) if n.strip()}


#: Debian's Chromium, driven by Playwright (never a downloaded browser). Without the
#: background-networking flags Chromium tries to reach Google's services.
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def synthetic_module():  # type: ignore[no-untyped-def]
    """benchmarks/synthetic.py, the generator the benchmarks measure with."""
    return benchmark_module("synthetic")


def benchmark_module(name: str):  # type: ignore[no-untyped-def]
    """A module of benchmarks/ (the baselines the benchmarks keep are the tests' oracles too)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
