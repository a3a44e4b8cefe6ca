"""A real ``plankg serve`` (gunicorn) on 127.0.0.1, queried by SPARQLWrapper and plain HTTP."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, JSONLD, TSV, TURTLE, XML, SPARQLWrapper

from ..support import ROOT, TEST_DATA, LiveServer

MEMBERS = """PREFIX org: <http://www.w3.org/ns/org#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?name WHERE { <https://w3id.org/plankg/id/samarbejde/vestegnssamarbejdet> org:hasMember ?m .
?m skos:prefLabel ?name FILTER(LANG(?name) = "da") } ORDER BY ?name"""
CONSTRUCT = """CONSTRUCT { ?m <http://www.w3.org/ns/org#identifier> ?code } WHERE {
<https://w3id.org/plankg/id/samarbejde/trekantomraadet> <http://www.w3.org/ns/org#hasMember> ?m .
?m <http://www.w3.org/ns/org#identifier> ?code }"""


def expected_names(store: ox.Store) -> list[str]:
    return [s["name"].value for s in store.query(MEMBERS, use_default_graph_as_union=True)]  # type: ignore[union-attr]


def wrapper(server: LiveServer, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_json(live_server: LiveServer, store: ox.Store, method: str) -> None:
    client = wrapper(live_server, MEMBERS, JSON)
    client.setMethod(method)
    result = client.queryAndConvert()
    assert [b["name"]["value"] for b in result["results"]["bindings"]] == expected_names(store)  # type: ignore[index]


def test_sparqlwrapper_xml(live_server: LiveServer, store: ox.Store) -> None:
    document = wrapper(live_server, MEMBERS, XML).queryAndConvert()
    literals = [n.firstChild.data for n in document.getElementsByTagName("literal")]  # type: ignore[union-attr]
    assert literals == expected_names(store)


@pytest.mark.parametrize("fmt", [CSV, TSV])
def test_sparqlwrapper_csv_and_tsv(live_server: LiveServer, store: ox.Store, fmt: str) -> None:
    text = wrapper(live_server, MEMBERS, fmt).queryAndConvert().decode()  # type: ignore[union-attr]
    lines = text.strip().splitlines()
    values = [line.strip('"').split("@")[0].strip('"') for line in lines[1:]]
    assert values == expected_names(store)


@pytest.mark.parametrize("fmt", [TURTLE, JSONLD])
def test_sparqlwrapper_construct(live_server: LiveServer, store: ox.Store, fmt: str) -> None:
    converted = wrapper(live_server, CONSTRUCT, fmt).queryAndConvert()
    graph = (
        converted
        if isinstance(converted, Graph)
        else Graph().parse(data=converted, format="turtle" if fmt == TURTLE else "json-ld")
    )
    expected = {(t.subject.value, t.object.value) for t in store.query(CONSTRUCT, use_default_graph_as_union=True)}  # type: ignore[union-attr]
    assert {(str(s), str(o)) for s, _, o in graph} == expected and len(expected) == 7


def get(server: LiveServer, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(server.url + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


KOLDING = "https://w3id.org/plankg/id/kommune/0621"
#: Lookups of one triple pattern (answered by the serving process) and the same with a FILTER (a query process).
LOOKUPS = [
    f"SELECT ?p ?o {{ <{KOLDING}> ?p ?o }}",
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?s WHERE { ?s skos:prefLabel 'Kolding'@da . }",
    f"ASK {{ <{KOLDING}> a ?type }}",
    f"select * where {{ ?s ?p <{KOLDING}> }} limit 5 offset 1",
]
RESULTS = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"]


@pytest.mark.parametrize("accept", RESULTS)
def test_a_lookup_answers_as_a_query_process_does(live_server: LiveServer, accept: str) -> None:
    for query in LOOKUPS:
        through = query[: query.rindex("}")] + "FILTER (true) }" + query[query.rindex("}") + 1 :]
        here = get(live_server, "/sparql?query=" + quote(query), {"Accept": accept})
        there = get(live_server, "/sparql?query=" + quote(through), {"Accept": accept})
        assert here[0] == there[0] == 200, (query, here[2][:300])
        assert here[2] == there[2] and here[1].get("X-Result-Count") == there[1].get("X-Result-Count"), query


@pytest.mark.parametrize("accept", ["text/turtle", "application/n-triples", "application/ld+json"])
def test_a_description_answers_as_a_query_process_does(live_server: LiveServer, accept: str) -> None:
    here = get(live_server, "/sparql?query=" + quote(f"DESCRIBE <{KOLDING}>"), {"Accept": accept})
    through = f"DESCRIBE ?x WHERE {{ VALUES ?x {{ <{KOLDING}> }} }}"  # not one named resource: a query process
    there = get(live_server, "/sparql?query=" + quote(through), {"Accept": accept})
    assert here[0] == there[0] == 200 and here[2] == there[2] and len(here[2]) > 1000


def test_a_lookup_over_sparqlwrapper(live_server: LiveServer, store: ox.Store) -> None:
    result = wrapper(live_server, LOOKUPS[0], JSON).queryAndConvert()
    found = {(b["p"]["value"], b["o"]["value"]) for b in result["results"]["bindings"]}  # type: ignore[index]
    held = {(q.predicate.value, q.object.value) for q in store.quads_for_pattern(ox.NamedNode(KOLDING), None, None)}
    assert found == held and len(found) > 10


def test_plain_http_errors_and_limits(live_server: LiveServer) -> None:
    status, _, body = get(live_server, "/sparql?query=" + quote("SELECT * { ?s ?p }"))
    assert status == 400 and b"syntax error" in body
    status, _, body = get(live_server, "/sparql?query=" + quote("SELECT * { ?s ?p ?o }"))
    assert status == 422 and b"1000" in body
    # A body over the limit is refused from its announced length, before it is read: the client sends
    # the headers only, so the answer cannot race with a reset of a connection still being written.
    import socket

    with socket.create_connection(("127.0.0.1", live_server.port), timeout=30) as connection:
        connection.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
            + f"Content-Length: {2 * 1024 * 1024}\r\nConnection: close\r\n\r\n".encode()
        )
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_a_runaway_query_over_http_is_stopped_while_others_are_served(live_server: LiveServer) -> None:
    runaway = "/sparql?query=" + quote("SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
    outcome: dict[str, object] = {}

    def run() -> None:
        started = time.monotonic()
        status, headers, _ = get(live_server, runaway)
        outcome.update(status=status, retry=headers.get("Retry-After"), seconds=time.monotonic() - started)

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.5)
    latencies = []
    for _ in range(5):
        started = time.monotonic()
        assert get(live_server, "/sparql?query=" + quote("ASK {}"))[0] == 200
        latencies.append(time.monotonic() - started)
    thread.join(60)
    assert outcome["status"] == 503 and outcome["retry"]
    assert 3 <= outcome["seconds"] < 4  # type: ignore[operator]
    assert max(latencies) < 1.0


def test_eight_concurrent_clients_are_all_served(live_server: LiveServer) -> None:
    results: list[int] = []
    lock = threading.Lock()

    def client() -> None:
        for _ in range(5):
            status = get(live_server, "/sparql?query=" + quote(MEMBERS))[0]
            with lock:
                results.append(status)

    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert results == [200] * 40


def test_base_uri_rewrites_the_served_iris(tmp_path: Path) -> None:
    server = LiveServer(tmp_path / "cache", "--base-uri", "http://127.0.0.1:{port}/")
    try:
        query = """SELECT ?r ?graph { GRAPH ?graph { ?r a <https://w3id.org/plankg/def/core/Region> } }"""
        rows = wrapper(server, query, JSON).queryAndConvert()["results"]["bindings"]  # type: ignore[index]
        with (ROOT / "data" / "registry" / "regions.csv").open(encoding="utf-8") as handle:
            assert len(rows) == sum(1 for _ in handle) - 1  # every region, current and former
        assert all(r["r"]["value"].startswith(f"{server.url}/id/region/") for r in rows)
        assert all(r["graph"]["value"].startswith(f"{server.url}/graph/register/") for r in rows)
        # The rewritten IRIs resolve on the server: 303 to the document, which describes them.
        region = rows[0]["r"]["value"]
        status, _, body = get(server, region[len(server.url) :], {"Accept": "application/n-triples"})
        assert status == 200  # urllib followed the 303
        triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        assert any(t.subject.value == region for t in triples)
        status, _, body = get(server, "/data/plankg.nq")
        subjects = {q.subject.value for q in ox.parse(body, format=ox.RdfFormat.N_QUADS)}  # type: ignore[union-attr]
        assert region in subjects and not any(s.startswith("https://w3id.org/plankg/id/") for s in subjects)
    finally:
        server.stop()


def test_serve_refuses_invalid_data_with_exit_1(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(TEST_DATA / "invalid" / "municipality-two-codes.ttl", data)
    result = subprocess.run(
        [sys.executable, "-m", "plankg", "serve", "--port", "1", "--data", str(data)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
        env={"PLANKG_CACHE_DIR": str(tmp_path / "cache"), "PATH": ""},
    )
    assert result.returncode == 1
    assert "kommune/9901" in result.stdout and "not started" in result.stderr
