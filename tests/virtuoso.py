"""OpenLink Virtuoso (Debian's virtuoso-opensource) for tests: a private instance on 127.0.0.1.

The instance has its own configuration and database folder under a temporary directory, listens
on loopback ports only, limits its own queries above plankg's (so it never cuts a result short
below plankg's limits), lets one transaction carry a whole version (plankg switches versions in
one update: Virtuoso's default limit of 50 MB refused the switch at 1M triples, error SR325), and
gets a user of its own for writing. The Debian package's service and
configuration are never used. When the machine has no Virtuoso, :func:`require` fails loudly.
"""

from __future__ import annotations

import secrets
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from .support import free_port

SERVER = "virtuoso-t"
ISQL = "isql-vt"

CONFIG = """[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
DirsAllowed = ., {folder}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxQueryMem = 512M
ThreadsPerQuery = 2
TransactionAfterImageLimit = 2000000000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 10
MaxClientConnections = 10
EnabledDavVSP = 0
HTTPProxyEnabled = 0
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 0
DefaultQuery = ASK {{ ?s ?p ?o }}
"""


def require() -> None:
    """Fail (not skip) when Virtuoso is missing: the differential tests must run, or say why not."""
    if shutil.which(SERVER) is None or shutil.which(ISQL) is None:
        pytest.fail(
            "OpenLink Virtuoso is not installed (Debian package virtuoso-opensource: .ci/run installs it); "
            "the remote-store tests cannot run here",
            pytrace=False,
        )


class Virtuoso:
    """A running private Virtuoso; ``env`` holds plankg's settings for it."""

    def __init__(self, folder: Path) -> None:
        require()
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.sql_port, self.http_port = free_port(), free_port()
        (folder / "virtuoso.ini").write_text(
            CONFIG.format(folder=folder, sql_port=self.sql_port, http_port=self.http_port), "utf-8"
        )
        self.process: subprocess.Popen[bytes] | None = None
        self.start()
        self.password = secrets.token_hex(12)
        self._sql(
            f"DB.DBA.USER_CREATE('plankg', '{self.password}'); GRANT SPARQL_UPDATE TO \"plankg\"; "
            f"DB.DBA.USER_SET_PASSWORD('dba', '{secrets.token_hex(12)}');"
        )
        base = f"http://127.0.0.1:{self.http_port}"
        self.url = f"{base}/sparql"
        self.env = {
            "PLANKG_STORE": f"sparql:{self.url}",
            "PLANKG_STORE_UPDATE_URL": f"{base}/sparql-auth",
            "PLANKG_STORE_USER": "plankg",
            "PLANKG_STORE_PASSWORD": self.password,
        }

    def _sql(self, statements: str) -> None:
        result = subprocess.run(
            [ISQL, str(self.sql_port), "dba", "dba", f"exec={statements}"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if "Error" in result.stdout or result.returncode != 0:
            raise RuntimeError(f"isql failed: {result.stdout}{result.stderr}")

    def start(self) -> None:
        """Start (or restart) the server on its ports and wait until it answers."""
        self.process = subprocess.Popen(
            [SERVER, "+foreground", "+configfile", str(self.folder / "virtuoso.ini")],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                url = f"http://127.0.0.1:{self.http_port}/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D"
                with urllib.request.urlopen(url, timeout=2):
                    return
            except OSError as error:
                if self.process.poll() is not None:
                    log = (self.folder / "virtuoso.log").read_text()[-2000:]
                    raise RuntimeError(f"virtuoso exited: {log}") from error
                time.sleep(0.3)
        raise RuntimeError("virtuoso did not start in 120 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
