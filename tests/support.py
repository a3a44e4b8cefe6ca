"""What the tests share besides fixtures: paths, the command line, a live server on loopback."""

from __future__ import annotations

import subprocess
import sys
import tempfile
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
