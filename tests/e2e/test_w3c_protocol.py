"""The W3C SPARQL 1.1 Protocol tests (tests/data/w3c/, unmodified) against plankg.

Query and bad-request tests must pass as written. The update tests that expect success do not
apply to a read-only endpoint: plankg must refuse them (4xx) and change nothing.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.collection import Collection

from ..support import TEST_DATA, LiveServer

W3C = TEST_DATA / "w3c"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
GRAPHS = {f"protocol-data{i}.nt": f"http://kasei.us/2009/09/sparql/data/data{i}.rdf" for i in (1, 2, 3)}
#: Update tests that expect success: a read-only endpoint refuses them instead.
UPDATES_REFUSED = {
    "update_dataset_default_graph",
    "update_dataset_default_graphs",
    "update_dataset_named_graphs",
    "update_dataset_full",
    "update_post_form",
    "update_post_direct",
    "update_base_uri",
}


@dataclass(frozen=True)
class Step:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: frozenset[int]
    expected_format: str | None
    expected_boolean: bool | None


def load_manifest() -> list[tuple[str, list[Step]]]:
    graph = Graph().parse(W3C / "protocol-manifest.ttl", format="turtle")
    manifest = next(graph.subjects(MF.entries, None))
    tests: dict[str, list[Step]] = {}
    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        name = str(entry).rsplit("#", 1)[1]
        action = graph.value(entry, MF.action)
        steps = []
        for req in Collection(graph, graph.value(action, HT.requests)):
            headers = {}
            header_list = graph.value(req, HT.headers)
            if header_list is not None:
                for header in Collection(graph, header_list):
                    headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
            body_node = graph.value(req, HT.body)
            body = None
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding.lower())
            response = graph.value(req, HT.resp)
            statuses = frozenset(
                int(str(s).rsplit("StatusCode", 1)[1][0]) for s in graph.objects(response, MF.expectedStatus)
            )
            fmt = graph.value(response, MF.expectedFormat)
            boolean = graph.value(response, MF.expectedBoolean)
            steps.append(
                Step(
                    str(graph.value(req, HT.methodName)),
                    str(graph.value(req, HT.absolutePath)),
                    headers,
                    body,
                    statuses,
                    str(fmt) if fmt else None,
                    boolean.toPython() if isinstance(boolean, Literal) else None,
                )
            )
        tests[name] = steps
    return sorted(tests.items())


TESTS = load_manifest()


def test_the_manifest_was_read_whole() -> None:
    assert len(TESTS) == 34
    assert all(steps for _, steps in TESTS)


def endpoint_path(path: str) -> str:
    """The manifest's /sparql/ prefix on plankg's endpoint path."""
    return "/sparql" + path[len("/sparql/") :] if path.startswith("/sparql/") else path


def check(name: str, step: Step, status: int, content_type: str, body: bytes) -> None:
    if name in UPDATES_REFUSED:
        if is_update(step):
            assert 400 <= status < 500, (name, status, body)
        else:  # the query that would check the update's effect is still answered
            assert status // 100 == 2, (name, status, body)
        return
    assert status // 100 in step.statuses, (name, status, body[:300])
    media = content_type.split(";")[0].strip()
    if step.expected_format == "boolean":
        if media == "application/sparql-results+json":
            value = json.loads(body)["boolean"]
        else:
            value = bool(ox.parse_query_results(body, format=ox.QueryResultsFormat.from_media_type(media)))
        assert isinstance(value, bool)
        if step.expected_boolean is not None:  # some tests only ask for a boolean result
            assert value is step.expected_boolean
    elif step.expected_format == "tabular":
        assert media in (
            "application/sparql-results+json",
            "application/sparql-results+xml",
            "text/csv",
            "text/tab-separated-values",
        ), media
    elif step.expected_format == "RDF":
        assert media in ("application/rdf+xml", "text/turtle", "application/n-triples"), media
        list(ox.parse(body, format=ox.RdfFormat.from_media_type(media)))


def is_update(step: Step) -> bool:
    content_type = {k.lower(): v for k, v in step.headers.items()}.get("content-type", "")
    return content_type.startswith("application/sparql-update") or (step.body or b"").startswith(b"update=")


def w3c_data(folder: Path) -> Path:
    """The three data files as the named graphs the tests expect, in one TriG file."""
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
        for name, graph in GRAPHS.items()
        for t in ox.parse(path=W3C / name, format=ox.RdfFormat.N_TRIPLES)
    ]
    target = folder / "protocol-data.trig"
    ox.serialize(quads, target, ox.RdfFormat.TRIG)
    return target


@pytest.fixture(scope="module")
def w3c_app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from plankg.web.app import create_app

    folder = tmp_path_factory.mktemp("w3c")
    application = create_app({"cache_dir": folder / "cache", "data": [w3c_data(folder)]})
    yield application
    application.extensions["plankg"].pool.close()


def quad_count(app) -> int:  # type: ignore[no-untyped-def]
    store = ox.Store.read_only(str(app.extensions["plankg"].prepared.store_path))
    return len(store)


@pytest.mark.parametrize(("name", "steps"), TESTS, ids=[name for name, _ in TESTS])
def test_w3c_protocol_with_the_flask_client(w3c_app, name: str, steps: list[Step]) -> None:  # type: ignore[no-untyped-def]
    before = quad_count(w3c_app)
    client = w3c_app.test_client()
    for step in steps:
        path = endpoint_path(step.path)
        base, _, query_string = path.partition("?")
        response = client.open(
            base, method=step.method, query_string=query_string, data=step.body, headers=step.headers
        )
        check(name, step, response.status_code, response.headers.get("Content-Type", ""), response.data)
    assert quad_count(w3c_app) == before


@pytest.fixture(scope="module")
def w3c_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("w3c-live")
    server = LiveServer(folder / "cache", "--data", str(w3c_data(folder)))
    yield server
    server.stop()


@pytest.mark.parametrize(("name", "steps"), TESTS, ids=[name for name, _ in TESTS])
def test_w3c_protocol_over_http(w3c_server: LiveServer, name: str, steps: list[Step]) -> None:
    # http.client sends exactly the manifest's headers (urllib would add a form media type).
    for step in steps:
        connection = http.client.HTTPConnection("127.0.0.1", w3c_server.port, timeout=30)
        try:
            connection.request(step.method, endpoint_path(step.path), body=step.body, headers=step.headers)
            response = connection.getresponse()
            check(name, step, response.status, response.getheader("Content-Type", ""), response.read())
        finally:
            connection.close()


def test_refused_updates_change_nothing_over_http(w3c_server: LiveServer) -> None:
    ask = "ASK { GRAPH ?g { <http://kasei.us/2009/09/sparql/data/data1.rdf> ?p ?o } }"
    url = w3c_server.url + "/sparql?query=" + urllib.request.quote(ask)
    update = urllib.request.Request(
        w3c_server.url + "/sparql",
        method="POST",
        data=b"CLEAR ALL",
        headers={"Content-Type": "application/sparql-update"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(update, timeout=10)
    assert refused.value.code == 403
    refused.value.close()
    with urllib.request.urlopen(url, timeout=10) as response:
        assert json.loads(response.read())["boolean"] is True
