"""Operating a live server: reload on SIGHUP, graceful SIGTERM, a broken store, headers, logs, metrics, limits."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from plankg.web.security import HEADERS as SECURITY_HEADERS

from ..support import ROOT, TEST_DATA, LiveServer, alive, processes

ALT_LABELS = "SELECT ?label WHERE { ?s <http://www.w3.org/2004/02/skos/core#altLabel> ?label }"


def get(server: LiveServer, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(server.url + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            # the message itself: header names are case-insensitive (waitress writes "Etag")
            return response.status, response.headers, response.read()  # type: ignore[return-value]
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()  # type: ignore[return-value]


def version(server: LiveServer) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(get(server, "/-/version")[2])
    return result


def alt_labels(server: LiveServer) -> list[str]:
    status, _, body = get(server, "/sparql?query=" + quote(ALT_LABELS), {"Accept": "application/sparql-results+json"})
    assert status == 200
    return sorted(b["label"]["value"] for b in json.loads(body)["results"]["bindings"])


def wait_for(condition: Callable[[], bool], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError("condition not met in time")


def reload(server: LiveServer, before: str | None) -> dict[str, Any]:
    """SIGHUP the master; wait until a reload newer than ``before`` is reported by a fresh worker.

    Newer, not merely other: a worker retired by an earlier reload may still answer for a moment
    (until it sees its SIGTERM), with that earlier reload's time. The times are ISO 8601 in UTC with
    milliseconds, so they compare as text.
    """
    server.process.send_signal(signal.SIGHUP)
    found: dict[str, Any] = {}

    def newer() -> bool:
        found.update(version(server))
        return (found["last_reload_at"] or "") > (before or "")

    wait_for(newer)
    return found


@pytest.fixture()
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "plankg.ttl"
    path.parent.mkdir()
    shutil.copyfile(TEST_DATA / "valid" / "minimal.ttl", path)
    return path


def test_a_reload_with_broken_data_keeps_serving_the_last_valid_version(tmp_path: Path, data_file: Path) -> None:
    server = LiveServer(tmp_path / "cache", "--data", str(data_file))
    try:
        valid = version(server)
        assert valid["last_reload_error"] is None and alt_labels(server) == []
        good_text = data_file.read_text("utf-8")

        data_file.write_text(good_text + "\nthis is not turtle {{{\n", "utf-8")  # a parse error
        broken = reload(server, None)
        assert broken["data_version"] == valid["data_version"], server.log()
        assert "parse error" in (broken["last_reload_error"] or "") and "line" in broken["last_reload_error"], (
            broken,
            server.log(),
        )
        assert alt_labels(server) == []

        # A SHACL violation: the municipality loses its code.
        data_file.write_text(good_text.replace('org:identifier "9901"^^plankg:MunicipalityCode ;', ""), "utf-8")
        violated = reload(server, broken["last_reload_at"])
        assert violated["data_version"] == valid["data_version"]
        assert "invalid data" in violated["last_reload_error"] and "9901" in violated["last_reload_error"]

        data_file.unlink()  # a missing file
        missing = reload(server, violated["last_reload_at"])
        assert missing["data_version"] == valid["data_version"] and "plankg.ttl" in missing["last_reload_error"]

        # Valid data again, with one more fact: the new version is served.
        data_file.write_text(good_text.replace('"Aby"@en ;', '"Aby"@en ; skos:altLabel "Aby Kommune"@da ;'), "utf-8")
        fixed = reload(server, missing["last_reload_at"])
        assert fixed["last_reload_error"] is None and fixed["data_version"] != valid["data_version"]
        assert alt_labels(server) == ["Aby Kommune"]
        log = server.log()
        assert "reload failed, still serving data version" in log and "now serving data version" in log
    finally:
        server.stop()


def test_sigterm_finishes_the_requests_in_flight(tmp_path: Path) -> None:
    server = LiveServer(tmp_path / "cache", env={"PLANKG_QUERY_TIMEOUT": "30"})
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d a ?f }"  # about 1 to 2 s here
    outcome: dict[str, Any] = {}

    def run() -> None:
        status, _, body = get(server, "/sparql?query=" + quote(slow), {"Accept": "application/sparql-results+json"})
        outcome.update(status=status, body=body, finished=time.monotonic())

    try:
        thread = threading.Thread(target=run)
        started = time.monotonic()
        thread.start()
        time.sleep(0.5)
        server.process.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        thread.join(60)
        server.process.wait(60)
        assert outcome["status"] == 200, outcome
        count = int(json.loads(outcome["body"])["results"]["bindings"][0]["n"]["value"])
        assert count > 0
        assert outcome["finished"] > signalled  # it was in flight when the signal came, and was finished
        assert signalled - started < outcome["finished"] - started
    finally:
        server.stop()


def test_a_worker_ends_by_itself_when_its_master_is_killed(tmp_path: Path) -> None:
    """kill -9 of the master: its worker sees it gone and ends, with its query processes, by itself.

    A worker is forked from the master, which built the store; RocksDB's exit handler in the worker
    waited forever on threads that only the master had, so such a worker never ended (and every
    SIGTERM took the master's graceful timeout and a SIGKILL).
    """
    server = LiveServer(tmp_path / "cache", env={"PLANKG_QUERY_TIMEOUT": "30"})
    descendants = [p for p in processes(server.process.pid) if p != server.process.pid]
    try:
        assert descendants  # the worker, its query processes, multiprocessing's resource tracker
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait(10)
        deadline = time.monotonic() + 60  # the worker looks for its master twice a second, then lingers 2 s
        while time.monotonic() < deadline and [p for p in descendants if alive(p)]:
            time.sleep(0.2)
        assert not [p for p in descendants if alive(p)]
    finally:
        for pid in [p for p in descendants if alive(p)]:  # nothing is left behind, whatever happened
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        server.stop()


def serve_once(cache: Path, data_file: Path) -> subprocess.CompletedProcess[str]:
    """``plankg serve`` on a cache prepared earlier, expected to refuse to start."""
    return subprocess.run(
        [sys.executable, "-m", "plankg", "serve", "--port", "0", "--data", str(data_file)],
        env={**os.environ, "PLANKG_CACHE_DIR": str(cache)},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_a_store_that_fails_to_open_stops_the_start_loudly(tmp_path: Path, data_file: Path) -> None:
    cache = tmp_path / "cache"
    server = LiveServer(cache, "--data", str(data_file))
    server.stop()
    stores = list(cache.glob("builds/*/store-*/db"))
    assert len(stores) == 1
    for part in stores[0].iterdir():  # the store's files are gone, its READY mark stays
        if part.is_file():
            part.unlink()
    result = serve_once(cache, data_file)
    assert result.returncode == 2
    assert "is damaged" in result.stderr and "not started" in result.stderr


def test_a_store_with_a_corrupted_block_stops_the_start(tmp_path: Path, data_file: Path) -> None:
    """Review finding: one flipped block (marker file intact) passed the start check, then workers crash-looped."""
    cache = tmp_path / "cache"
    LiveServer(cache, "--data", str(data_file)).stop()
    tables = sorted(cache.glob("builds/*/store-*/db/*.sst"), key=lambda p: p.stat().st_size)
    assert tables and all((t.parent.parent / "READY").exists() for t in tables)
    damaged = bytearray(tables[-1].read_bytes())
    middle = len(damaged) // 2
    damaged[middle : middle + 64] = bytes(b ^ 0xFF for b in damaged[middle : middle + 64])
    tables[-1].write_bytes(bytes(damaged))
    result = serve_once(cache, data_file)
    assert result.returncode == 2, result.stderr
    assert tables[-1].name in result.stderr and "not started" in result.stderr


def test_security_headers_on_every_kind_of_answer(live_server: LiveServer) -> None:
    for path in ("/", "/kort", "/doc/kommune/0621", "/doc/kommune/0621.ttl", "/sparql?query=ASK%7B%7D", "/nowhere"):
        _, headers, _ = get(live_server, path)
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert "script-src 'self'" in headers["Content-Security-Policy"], path
        assert "'unsafe-inline'" not in headers["Content-Security-Policy"], path
        assert headers["Referrer-Policy"] and headers["X-Frame-Options"] == "DENY", path
        for name in SECURITY_HEADERS:
            assert len(headers.get_all(name)) == 1, (path, name)  # type: ignore[attr-defined]
    _, headers, _ = get(live_server, "/sparql", {"Accept": "text/html"})
    assert "script-src 'self';" in headers["Content-Security-Policy"]  # the editor's inline styles only
    assert len(headers.get_all("Content-Security-Policy")) == 1  # type: ignore[attr-defined]  # its own, not both


def test_access_log_and_metrics_count_outcomes(live_server: LiveServer) -> None:
    def counter(text: str, outcome: str) -> float:
        for line in text.splitlines():
            if line.startswith(f'plankg_sparql_queries_total{{outcome="{outcome}"}}'):
                return float(line.split()[-1])
        return 0.0

    before = get(live_server, "/-/metrics")[2].decode()
    assert get(live_server, "/sparql?query=" + quote("ASK {}"))[0] == 200
    assert get(live_server, "/sparql?query=" + quote("SELECT * WHERE { ?s ?p }"))[0] == 400
    assert (
        get(live_server, "/sparql?query=" + quote("SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"))[0] == 400
    )
    status, headers, after_bytes = get(live_server, "/-/metrics")
    after = after_bytes.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    for outcome in ("ok", "syntax", "refused"):
        assert counter(after, outcome) == counter(before, outcome) + 1, outcome
    assert 'plankg_http_requests_total{method="GET",route="/sparql",status="400"}' in after
    assert "plankg_http_request_duration_seconds_bucket" in after
    lines = [json.loads(line) for line in live_server.log().splitlines() if line.startswith('{"time"')]
    sparql = [entry for entry in lines if entry["route"] == "/sparql" and "outcome" in entry]
    assert {"ok", "syntax", "refused"} <= {entry["outcome"] for entry in sparql}
    refused = next(entry for entry in reversed(sparql) if entry["outcome"] == "refused")
    assert refused["status"] == 400 and refused["query_bytes"] > 0 and len(refused["query_sha256"]) == 16
    assert "SERVICE" not in json.dumps(refused)  # the query's text is not logged


def test_optional_rate_limiting_answers_429_with_retry_after(tmp_path: Path) -> None:
    server = LiveServer(tmp_path / "cache", env={"PLANKG_RATE_LIMIT": "5/minute"})
    try:
        statuses = [get(server, "/-/version")[0] for _ in range(5)]
        status, headers, body = get(server, "/-/version", {"Accept": "application/json"})
        assert statuses == [200] * 5 and status == 429
        assert int(headers["Retry-After"]) > 0
        assert json.loads(body)["status"] == 429
        assert get(server, "/-/health")[0] == 200  # a load balancer's health check is not limited
    finally:
        server.stop()


def test_above_the_in_flight_limit_requests_are_shed_with_503_and_retry_after(tmp_path: Path) -> None:
    server = LiveServer(tmp_path / "cache", env={"PLANKG_MAX_IN_FLIGHT": "2", "PLANKG_QUERY_TIMEOUT": "20"})
    slow = "/sparql?query=" + quote("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d a ?f }")
    answers: list[tuple[int, dict[str, str], float]] = []
    lock = threading.Lock()

    def client() -> None:
        started = time.monotonic()
        status, headers, _ = get(server, slow, {"Accept": "application/json"})
        with lock:
            answers.append((status, headers, time.monotonic() - started))

    try:
        threads = [threading.Thread(target=client) for _ in range(6)]
        for thread in threads:
            thread.start()
            time.sleep(0.05)
        assert get(server, "/-/health")[0] == 200  # never shed
        for thread in threads:
            thread.join(60)
        served = [a for a in answers if a[0] == 200]
        shed = [a for a in answers if a[0] == 503]
        assert len(served) + len(shed) == 6 and len(served) >= 2 and shed
        assert all(int(headers["Retry-After"]) > 0 for _, headers, _ in shed)
        assert max(seconds for *_, seconds in shed) < min(seconds for *_, seconds in served)  # shed at once
    finally:
        server.stop()


def test_metrics_add_up_over_several_workers(tmp_path: Path) -> None:
    server = LiveServer(tmp_path / "cache", "--workers", "2")
    try:
        for _ in range(12):
            assert get(server, "/-/version")[0] == 200
        metrics = get(server, "/-/metrics")[2].decode()
        line = next(
            line
            for line in metrics.splitlines()
            if line.startswith("plankg_http_requests_total") and 'route="/-/version"' in line
        )
        assert float(line.split()[-1]) == 12  # whichever worker answered each request
    finally:
        server.stop()


def test_replicas_of_the_same_data_give_the_same_etags(tmp_path: Path) -> None:
    """Two servers with their own caches (stateless replicas): a cache in front sees one ETag per variant."""
    first = LiveServer(tmp_path / "one")
    second = LiveServer(tmp_path / "two")
    paths = [
        "/doc/kommune/0621",
        "/doc/kommune/0621?lang=en",
        "/doc/kommune/0621.ttl",
        "/doc/kommune/0621.geojson",
        "/doc/kommune",
        "/doc/kommune.geojson",
        "/data/plankg.ttl",
        "/data/plankg.nq.gz",
        "/sparql?query=" + quote("ASK { ?s ?p ?o }"),
    ]
    try:
        tags = {}
        for path in paths:
            one, two = get(first, path), get(second, path)
            assert one[0] == two[0] == 200, path
            assert one[1]["ETag"] == two[1]["ETag"], path
            assert one[2] == two[2], path  # the same bytes under the same tag
            tags[path] = one[1]["ETag"]
            assert get(second, path, {"If-None-Match": one[1]["ETag"]})[0] == 304, path
        assert tags["/doc/kommune/0621"] != tags["/doc/kommune/0621?lang=en"]  # the language is part of the variant
    finally:
        first.stop()
        second.stop()


@pytest.mark.parametrize("setting", ["oxigraph:memory", "oxigraph:{tmp}/stores"])
def test_the_embedded_engine_in_memory_or_in_a_chosen_folder_answers_the_same(
    live_server: LiveServer, tmp_path: Path, setting: str
) -> None:
    server = LiveServer(tmp_path / "cache", env={"PLANKG_STORE": setting.format(tmp=tmp_path)})
    try:
        members = "/sparql?query=" + quote(
            "SELECT ?m WHERE { <https://w3id.org/plankg/id/samarbejde/trekantomraadet> "
            "<http://www.w3.org/ns/org#hasMember> ?m } ORDER BY ?m"
        )
        for path in (members, "/doc/kommune/0621.nq", "/doc/kommune.geojson"):
            expected, got = get(live_server, path), get(server, path)
            assert expected[0] == got[0] == 200, path
            assert expected[2] == got[2], path
        if setting.startswith("oxigraph:/"):
            assert list((tmp_path / "stores").glob("store-*/READY"))  # the on-disk store is where it was asked to be
        else:
            assert not list((tmp_path / "cache").glob("builds/*/store-*"))  # no on-disk store at all
    finally:
        server.stop()
