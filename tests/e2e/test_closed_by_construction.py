"""The outside review's findings (2026-11-30), replayed as an attacker would, on a live server.

Each test reproduces one finding: SERVICE past the guard (with a listener on loopback and a fake
internal service holding a secret), the quadratic guard, slow clients, a chunked body over the
limit, a query process outliving its killed worker, unbounded metrics labels, the Host header,
304 headers, client errors answered 503, and what public responses reveal. Every loop is bounded.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from plankg.domain.evaluate import QueryFailed, QueryRequest
from plankg.domain.executor import QueryPool
from plankg.domain.guard import SERVICE_REFUSED

from ..support import SECRET, Listener, LiveServer, alive, processes


@pytest.fixture()
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(
        tmp_path_factory.mktemp("review"),
        env={
            "PLANKG_QUERY_TIMEOUT": "4",
            "PLANKG_RESULT_LIMIT": "1000",
            "PLANKG_MAX_REQUEST_BYTES": "20000",
            "PLANKG_REQUEST_TIMEOUT": "3",
        },
    )
    yield live
    live.stop()


def request(
    server: LiveServer, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def sparql(server: LiveServer, query: str, accept: str = "application/sparql-results+json") -> tuple[int, bytes]:
    status, _, body = request(
        server, "POST", "/sparql", query.encode(), {"Content-Type": "application/sparql-query", "Accept": accept}
    )
    return status, body


def ssrf_variants(port: int) -> dict[str, str]:
    target = f"http://127.0.0.1:{port}/sparql"
    return {
        "less-than then comment": f"SELECT * WHERE {{ FILTER(1<2)SERVICE#>\n<{target}> {{ ?s ?p ?o }} }}",
        "PN_LOCAL_ESC hash": f"PREFIX x: <http://a/> SELECT * {{ ?s x:a\\#b ?o SERVICE <{target}> {{ ?s ?p ?o }} }}",
        "PN_LOCAL_ESC quote": f"PREFIX x: <http://a/> SELECT * {{ ?s x:a\\'b ?o SERVICE <{target}> {{ ?s ?p ?o }}}} #'",
        "keyword glued to a prefixed name": f"PREFIX : <{target}#> SELECT * {{ SERVICE:x {{ ?s ?p ?o }} }}",
        "keyword glued to a boolean": f"SELECT * {{ ?a ?b trueSERVICE<{target}> {{ ?s ?p ?o }} }}",
        "codepoint escapes": f"SELECT * {{ \\u0053ERVICE <{target}> {{ ?s ?p ?o }} }}",
        "lower case, SILENT": f"select * {{ service silent <{target}> {{ ?s ?p ?o }} }}",
        "variable target": f"SELECT * {{ BIND(<{target}> AS ?t) SERVICE ?t {{ ?s ?p ?o }} }}",
        "unbound variable": "SELECT * { SERVICE ?t { ?s ?p ?o } }",
        "in a subquery after an expression": (
            f"SELECT * {{ {{ SELECT ?s {{ ?s ?p ?o FILTER(?o<3) }} }} SERVICE <{target}> {{ ?s ?p ?o }} }}"
        ),
    }


@pytest.mark.parametrize("name", list(ssrf_variants(1)))
def test_service_never_reaches_the_network(server: LiveServer, listener: Listener, name: str) -> None:
    status, body = sparql(server, ssrf_variants(listener.port)[name])
    assert status == 400, body
    assert SERVICE_REFUSED in body.decode() and SECRET not in body.decode()
    assert listener.connections == 0


def test_an_open_port_and_a_closed_one_get_the_same_answer(server: LiveServer, listener: Listener) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    answers = {sparql(server, ssrf_variants(port)["less-than then comment"]) for port in (listener.port, closed_port)}
    assert len(answers) == 1
    assert listener.connections == 0


def test_query_processes_have_no_network_whatever_the_guard_says(
    listener: Listener, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The OS layer alone: the guard is skipped (held_graphs=None), the engine evaluates SERVICE."""
    from plankg.domain.config import load_config
    from plankg.domain.serving import prepare

    prepared = prepare(load_config(overrides={"cache_dir": tmp_path_factory.mktemp("sandbox")}))
    query = f"SELECT * {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
    for allow in (False, True):
        pool = QueryPool(prepared.store_path, 1, 1000, allow_network=allow)
        try:
            if allow:  # without the filter the engine does connect: the test can fail
                answer = pool.run(QueryRequest(query), timeout=10, queue_timeout=10)
                assert SECRET in answer.body.decode() and listener.connections == 1
            else:
                with pytest.raises(QueryFailed) as failed:
                    pool.run(QueryRequest(query), timeout=10, queue_timeout=10)
                assert failed.value.kind == "outbound" and str(failed.value) == SERVICE_REFUSED
                assert listener.connections == 0
        finally:
            pool.close()


PATHOLOGICAL = {
    "escaped quotes": 'SELECT * { ?s ?p "' + '\\"' * 9000 + " }",
    "dotted names": "SELECT * { " + "a." * 9000 + " }",
    "hyphenated names": "SELECT * { " + "a-" * 9000 + " }",
    "hidden brackets": "SELECT * { FILTER(1<2)#>\n" + "(" * 5000 + " }",
}


def test_pathological_queries_are_answered_and_others_keep_their_latency(server: LiveServer) -> None:
    probe = "SELECT ?s WHERE { ?s a <https://w3id.org/plankg/def/core/Municipality> } LIMIT 1"

    def latency() -> float:
        started = time.perf_counter()
        assert sparql(server, probe)[0] == 200
        return time.perf_counter() - started

    quiet = sorted(latency() for _ in range(5))[2]
    statuses: list[int] = []
    attackers = [
        threading.Thread(target=lambda q=q: statuses.append(sparql(server, q)[0])) for q in PATHOLOGICAL.values()
    ]
    for thread in attackers:
        thread.start()
    busy = sorted(latency() for _ in range(5))[2]
    for thread in attackers:
        thread.join(30)
    assert sorted(statuses) == [400] * len(PATHOLOGICAL)
    assert busy < max(10 * quiet, 0.5), (quiet, busy)


def test_slow_clients_cannot_hold_the_server(server: LiveServer) -> None:
    """32 connections trickling headers and 16 trickling POST bodies, while a probe is answered as usual."""
    query = b"SELECT * WHERE { ?s ?p ?o } LIMIT 1"
    slow: list[socket.socket] = []
    for index in range(48):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        if index < 32:
            sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n")
        else:
            sock.sendall(
                b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                + f"Content-Length: {len(query)}\r\n\r\n".encode()
            )
        slow.append(sock)
    latencies: list[float] = []
    dropped = 0
    try:
        deadline = time.monotonic() + 6  # longer than the server's request timeout (3 s)
        while time.monotonic() < deadline:
            for sock in slow:
                with contextlib.suppress(OSError):
                    sock.send(b"X" if slow.index(sock) < 32 else query[:1])
            started = time.perf_counter()
            status, _, _ = request(server, "GET", "/sparql?query=" + urllib.parse.quote("ASK {}"))
            latencies.append(time.perf_counter() - started)
            assert status == 200
            time.sleep(0.5)
        for sock in slow:  # the server has given up on every one of them
            sock.settimeout(2)
            try:
                dropped += sock.recv(1) == b""
            except OSError:
                dropped += 1
    finally:
        for sock in slow:
            sock.close()
    assert dropped == len(slow)
    assert sorted(latencies)[len(latencies) // 2] < 0.5, latencies


def test_a_chunked_body_over_the_limit_is_refused_not_cut(server: LiveServer) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } " + "#" * 30000 + "\nLIMIT 0"
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.putrequest("POST", "/sparql")
        connection.putheader("Content-Type", "application/sparql-query")
        connection.putheader("Transfer-Encoding", "chunked")
        connection.endheaders()
        data = query.encode()
        for start in range(0, len(data), 4096):
            chunk = data[start : start + 4096]
            connection.send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        connection.send(b"0\r\n\r\n")
        response = connection.getresponse()
        assert response.status == 413
    finally:
        connection.close()


def test_random_methods_make_no_new_metrics_series(server: LiveServer) -> None:
    import random

    names = ["".join(random.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZ", k=random.randint(3, 20))) for _ in range(25)]
    for name in names:
        request(server, name, "/")
    metrics = request(server, "GET", "/-/metrics")[2].decode()
    assert not [name for name in names if f'method="{name}"' in metrics]
    assert 'method="other"' in metrics


def test_the_host_header_is_never_reflected(server: LiveServer) -> None:
    evil = {"Host": "evil.example:666"}
    for path, accept in (("/sitemap.xml", "*/*"), ("/sparql", "text/turtle"), ("/id/kommune/0621", "text/turtle")):
        status, headers, body = request(server, "GET", path, headers={**evil, "Accept": accept})
        assert status in (200, 303)
        assert "evil.example" not in body.decode() + json.dumps(headers)
    query = "SELECT ?b { BIND(IRI('') AS ?b) }"
    status, body = sparql(server, query)
    assert status == 200 and "evil.example" not in body.decode()
    answers = {
        request(server, "GET", "/sparql?query=" + urllib.parse.quote(query), headers=h)[1]["etag"] for h in ({}, evil)
    }
    assert len(answers) == 1


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/sparql?query=" + urllib.parse.quote("ASK {}"), "application/sparql-results+json"),
        ("/doc/kommune/0621", "text/turtle"),
        ("/doc/kommune", "text/turtle"),
    ],
)
def test_a_304_carries_the_headers_of_its_200(server: LiveServer, path: str, accept: str) -> None:
    status, first, _ = request(server, "GET", path, headers={"Accept": accept})
    assert status == 200
    status, again, body = request(server, "GET", path, headers={"Accept": accept, "If-None-Match": first["etag"]})
    assert status == 304 and body == b""
    # RFC 9110 §15.4.5: what the 200 would carry of these; Last-Modified is left out beside an ETag (SHOULD NOT)
    for name in ("etag", "vary", "cache-control", "content-location", "link"):
        assert again.get(name) == first.get(name), name


def test_the_dataset_page_says_it_varies_by_language(server: LiveServer) -> None:
    _, headers, _ = request(server, "GET", "/data/plankg", headers={"Accept": "text/html"})
    assert {v.strip() for v in headers["vary"].split(",")} >= {"Accept", "Accept-Language"}


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/sparql?default-graph-uri=" + urllib.parse.quote("not an iri <>"), "ASK {}"),
        ("/sparql", "SELECT * { SERVICE ?t { ?s ?p ?o } }"),
    ],
)
def test_client_mistakes_are_4xx(server: LiveServer, path: str, query: str) -> None:
    sep = "&" if "?" in path else "?"
    status, _, body = request(server, "GET", f"{path}{sep}query={urllib.parse.quote(query)}")
    assert 400 <= status < 500, body


def test_xml_that_no_parser_accepts_is_never_sent(server: LiveServer) -> None:
    import xml.dom.minidom

    query = 'SELECT ?x { BIND("a\\u0001b" AS ?x) }'
    status, body = sparql(server, query, "application/sparql-results+xml")
    assert status == 406 and b"XML 1.0" in body
    status, body = sparql(server, query, "application/sparql-results+json")
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["x"]["value"] == "a\x01b"
    status, body = sparql(server, 'SELECT ?x { BIND("a&b<c" AS ?x) }', "application/sparql-results+xml")
    assert status == 200 and xml.dom.minidom.parseString(body)
    status, body = sparql(server, 'CONSTRUCT { <http://a> <http://b> "x\\u0002" } {}', "application/rdf+xml")
    assert status == 406


def test_public_answers_show_no_paths_or_exit_codes(server: LiveServer) -> None:
    for path in ("/-/config", "/-/version"):
        text = request(server, "GET", path)[2].decode()
        assert "/tmp" not in text and str(Path.home()) not in text and "cache" not in text.lower()


def test_a_killed_worker_takes_its_query_processes_with_it(tmp_path: Path) -> None:
    """kill -9 of a gunicorn worker with a query running: its query processes end too, within seconds."""
    live = LiveServer(tmp_path, env={"PLANKG_QUERY_TIMEOUT": "60"})
    try:
        runaway = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        threading.Thread(target=_quietly, args=(live, runaway), daemon=True).start()
        time.sleep(2)
        gunicorn_workers = [p for p in _children(live.process.pid) if _children(p)]  # workers own query processes
        assert gunicorn_workers
        query_processes = [p for p in processes(gunicorn_workers[0]) if p != gunicorn_workers[0]]
        assert query_processes
        os.kill(gunicorn_workers[0], signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(alive(p) for p in query_processes):
            time.sleep(0.2)
        assert not [p for p in query_processes if alive(p)]
    finally:
        live.stop()


def _quietly(server: LiveServer, query: str) -> None:
    with contextlib.suppress(OSError):  # the worker answering it is killed: the connection breaks
        sparql(server, query)


def _children(pid: int) -> list[int]:
    return [p for p in processes(pid) if _parent(p) == pid]


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return -1


def test_an_idle_query_process_that_died_is_replaced_before_use(app) -> None:  # type: ignore[no-untyped-def]
    pool = app.extensions["plankg"].pool
    for pid in pool.pids:
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)
    client = app.test_client()
    response = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.get_json()["boolean"] is True


def test_workers_exit_cleanly(tmp_path: Path) -> None:
    live = LiveServer(tmp_path)
    assert sparql(live, "ASK {}")[0] == 200
    log = live.stop()
    assert "SIGSEGV" not in log and "signal 11" not in log and "Segmentation" not in log, log[-2000:]


def test_health_says_503_at_once_when_query_processes_cannot_open_the_store(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    healthy = app.extensions["plankg"]
    (tmp_path / "db").mkdir()  # a folder that is no store
    broken_pool = QueryPool(tmp_path / "db", 1, 1000)
    app.extensions["plankg"] = dataclasses.replace(healthy, pool=broken_pool)
    try:
        started = time.monotonic()
        response = app.test_client().get("/-/health")
        assert response.status_code == 503 and time.monotonic() - started < 5
        assert str(tmp_path) not in response.get_data(as_text=True)
    finally:
        broken_pool.close()
        app.extensions["plankg"] = healthy
    assert app.test_client().get("/-/health").status_code == 200
