"""The SPARQL endpoint through Flask's test client: protocol matrix, formats, errors, abuse."""

from __future__ import annotations

import json
import socket
import threading
import time
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from rdflib import Graph

REGIONS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?region ?name WHERE { ?region a <https://w3id.org/plankg/def/core/Region> ; skos:prefLabel ?name
FILTER(LANG(?name) = "da") } ORDER BY ?name"""
CONSTRUCT = """CONSTRUCT { ?r ?p ?o } WHERE { ?r a <https://w3id.org/plankg/def/core/Region> ; ?p ?o
FILTER(?p != <http://www.w3.org/2004/02/skos/core#prefLabel>) }"""
RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
RDF_TYPES = {
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "ntriples": "application/n-triples",
    "trig": "application/trig",
    "nquads": "application/n-quads",
}


def expected_regions(store: ox.Store) -> list[tuple[str, str]]:
    return [(s["region"].value, s["name"].value) for s in store.query(REGIONS, use_default_graph_as_union=True)]  # type: ignore[union-attr]


def parse_bindings(body: bytes, media: str) -> list[tuple[str, str]]:
    if media == "text/csv":
        lines = body.decode().strip().splitlines()[1:]
        return [tuple(line.split(",", 1)) for line in lines]  # type: ignore[misc]
    results = ox.parse_query_results(body, format=ox.QueryResultsFormat.from_media_type(media))
    return [(s["region"].value, s["name"].value) for s in results]  # type: ignore[union-attr]


def send(client, method: str, query: str, accept: str | None = None, fmt: str | None = None):  # type: ignore[no-untyped-def]
    headers = {"Accept": accept} if accept else {}
    extra = f"&format={fmt}" if fmt else ""
    if method == "GET":
        return client.get(f"/sparql?query={quote(query)}{extra}", headers=headers)
    if method == "POST-form":
        return client.post(f"/sparql?{extra[1:]}", data={"query": query}, headers=headers)
    return client.post(
        f"/sparql?{extra[1:]}", data=query.encode(), content_type="application/sparql-query", headers=headers
    )


METHODS = ["GET", "POST-form", "POST-direct"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", list(RESULT_TYPES))
@pytest.mark.parametrize("by", ["accept", "format"])
def test_select_in_every_result_format_by_every_method(client, store, method: str, fmt: str, by: str) -> None:  # type: ignore[no-untyped-def]
    media = RESULT_TYPES[fmt]
    response = send(
        client,
        method,
        REGIONS,
        accept=media if by == "accept" else "image/png;q=0.1",
        fmt=fmt if by == "format" else None,
    )
    assert response.status_code == 200, response.data
    assert response.mimetype == media
    assert response.headers["Vary"] == "Accept"
    assert parse_bindings(response.data, media) == expected_regions(store)


@pytest.mark.parametrize("fmt", list(RESULT_TYPES))
def test_ask_in_every_result_format(client, fmt: str) -> None:  # type: ignore[no-untyped-def]
    response = send(client, "GET", "ASK { ?s a <https://w3id.org/plankg/def/core/Municipality> }", fmt=fmt)
    assert response.status_code == 200
    if fmt == "json":
        assert json.loads(response.data)["boolean"] is True
    elif fmt == "xml":
        assert bool(ox.parse_query_results(response.data, format=ox.QueryResultsFormat.XML)) is True
    else:
        assert response.data.decode().split()[-1] == "true"


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", list(RDF_TYPES))
def test_construct_in_every_rdf_format(client, store, method: str, fmt: str) -> None:  # type: ignore[no-untyped-def]
    media = RDF_TYPES[fmt]
    response = send(client, method, CONSTRUCT, accept=media)
    assert response.status_code == 200, response.data
    assert response.mimetype == media
    got = {
        (q.subject, q.predicate, q.object) for q in ox.parse(response.data, format=ox.RdfFormat.from_media_type(media))
    }
    expected = {(t.subject, t.predicate, t.object) for t in store.query(CONSTRUCT, use_default_graph_as_union=True)}  # type: ignore[union-attr]
    assert got == expected and len(expected) > 20


def test_describe_answers_rdf(client) -> None:  # type: ignore[no-untyped-def]
    response = send(client, "GET", "DESCRIBE <https://w3id.org/plankg/id/kommune/0621>", accept="text/turtle")
    graph = Graph().parse(data=response.data, format="turtle")
    assert len(graph) > 5


def test_the_default_graph_is_the_union_without_duplicates(client) -> None:  # type: ignore[no-untyped-def]
    # Kolding's membership of Trekantområdet is asserted by two sources, in two graphs.
    query = (
        "SELECT * { <https://w3id.org/plankg/id/samarbejde/trekantomraadet> <http://www.w3.org/ns/org#hasMember> "
        "<https://w3id.org/plankg/id/kommune/0621> }"
    )
    assert len(json.loads(send(client, "GET", query).data)["results"]["bindings"]) == 1
    graphs = (
        "SELECT ?g { GRAPH ?g { <https://w3id.org/plankg/id/samarbejde/trekantomraadet> "
        "<http://www.w3.org/ns/org#hasMember> <https://w3id.org/plankg/id/kommune/0621> } }"
    )
    assert len(json.loads(send(client, "GET", graphs).data)["results"]["bindings"]) == 2


def test_protocol_dataset_and_from_clauses(client) -> None:  # type: ignore[no-untyped-def]
    graph = "https://w3id.org/plankg/graph/kilde/trekantomraadet-om"
    count = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    only = client.get(f"/sparql?query={quote(count)}&default-graph-uri={quote(graph)}")
    from_clause = send(client, "GET", f"SELECT (COUNT(*) AS ?n) FROM <{graph}> {{ ?s ?p ?o }}")
    everything = send(client, "GET", count)
    n = [int(json.loads(r.data)["results"]["bindings"][0]["n"]["value"]) for r in (only, from_clause, everything)]
    assert n[0] == n[1] and 0 < n[0] < n[2]
    named = client.get(
        f"/sparql?query={quote('SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }')}&named-graph-uri={quote(graph)}"
    )
    assert [b["g"]["value"] for b in json.loads(named.data)["results"]["bindings"]] == [graph]


def test_from_a_graph_the_server_does_not_hold_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    response = send(client, "GET", "SELECT * FROM <http://example.org/remote.ttl> { ?s ?p ?o }")
    assert response.status_code == 400
    assert b"http://example.org/remote.ttl" in response.data and b"never fetches" in response.data


def test_a_malformed_query_gets_400_with_the_parser_message_and_position(client) -> None:  # type: ignore[no-untyped-def]
    response = send(client, "POST-direct", "SELECT * WHERE { ?s ?p }")
    assert response.status_code == 400
    # In words, with line and column, and the parser's own message beside it
    assert b"SPARQL syntax error at line 1, column 25" in response.data
    assert b"parser: error at 1:25: expected" in response.data
    as_json = send(client, "POST-direct", "SELECT * WHERE {\n ?s ?p\n}", accept="application/json")
    found = json.loads(as_json.data)
    assert found["line"] == 3 and found["parser"].startswith(f"error at 3:{found['column']}:")
    assert "(near “}”)" in found["message"]


@pytest.mark.parametrize("request_kind", ["form-update", "direct-update", "update-in-query", "get-update"])
def test_updates_are_refused_and_change_nothing(client, request_kind: str) -> None:  # type: ignore[no-untyped-def]
    count = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
    before = json.loads(send(client, "GET", count).data)
    update = "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }"
    if request_kind == "form-update":
        response = client.post("/sparql", data={"update": update})
    elif request_kind == "direct-update":
        response = client.post("/sparql", data=update, content_type="application/sparql-update")
    elif request_kind == "update-in-query":
        response = send(client, "POST-direct", update)
    else:
        response = client.get(f"/sparql?update={quote(update)}")
    assert 400 <= response.status_code < 500
    assert b"read-only" in response.data
    assert json.loads(send(client, "GET", count).data) == before


def test_load_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    response = send(client, "POST-direct", "LOAD <http://127.0.0.1:9/data.ttl>")
    assert response.status_code in (400, 403) and b"read-only" in response.data


def test_service_makes_no_outbound_connection(client) -> None:  # type: ignore[no-untyped-def]
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(2)
    port = listener.getsockname()[1]
    try:
        for query in (
            f"SELECT * {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
            f"SELECT * {{ \\u0053ERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
            f"SELECT * {{ SERVICE SILENT <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        ):
            response = send(client, "GET", query)
            assert response.status_code == 400 and b"SERVICE is not allowed" in response.data
        with pytest.raises(TimeoutError):
            connection, _ = listener.accept()
            connection.close()
    finally:
        listener.close()


def test_a_runaway_query_is_stopped_at_the_limit_and_others_are_served(app, client) -> None:  # type: ignore[no-untyped-def]
    runaway = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    outcome: dict[str, object] = {}

    def run() -> None:
        started = time.monotonic()
        response = app.test_client().get(f"/sparql?query={quote(runaway)}")
        outcome.update(
            status=response.status_code,
            seconds=time.monotonic() - started,
            retry=response.headers.get("Retry-After"),
            body=response.data,
        )

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.5)
    latencies = []
    for _ in range(5):
        started = time.monotonic()
        assert send(client, "GET", "ASK {}").status_code == 200
        latencies.append(time.monotonic() - started)
    thread.join(30)
    limit = app.extensions["plankg"].config.query_timeout
    assert outcome["status"] == 503 and outcome["retry"]
    assert b"PLANKG_QUERY_TIMEOUT" in outcome["body"]  # type: ignore[operator]
    assert limit <= outcome["seconds"] < limit + 1  # type: ignore[operator]
    assert max(latencies) < 1.0
    # The killed worker was replaced: the pool answers again at full size.
    assert send(client, "GET", "ASK {}").status_code == 200


def test_a_result_over_the_limit_is_an_explicit_error(client) -> None:  # type: ignore[no-untyped-def]
    response = send(client, "GET", "SELECT * { ?s ?p ?o }")
    assert response.status_code == 422
    assert b"PLANKG_RESULT_LIMIT" in response.data and b"1000" in response.data
    assert send(client, "GET", "SELECT * { ?s ?p ?o } LIMIT 1000").status_code == 200


def test_a_request_over_the_size_limit_gets_413(client) -> None:  # type: ignore[no-untyped-def]
    body = "SELECT * { ?s ?p ?o } #" + "x" * (2 * 1024 * 1024)
    response = client.post("/sparql", data=body.encode(), content_type="application/sparql-query")
    assert response.status_code == 413
    assert b"PLANKG_MAX_REQUEST_BYTES" in response.data


def test_406_lists_what_is_offered(client) -> None:  # type: ignore[no-untyped-def]
    response = send(client, "GET", REGIONS, accept="image/png")
    assert response.status_code == 406
    for media in RESULT_TYPES.values():
        assert media.encode() in response.data
    response = send(client, "GET", CONSTRUCT, fmt="pdf")
    assert response.status_code == 406 and b"text/turtle" in response.data


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({"Content-Type": "text/plain"}, b"ASK {}", 415),
        ({}, b"query=ASK%20%7B%7D", 415),
        ({"Content-Type": "application/sparql-query; charset=UTF-16"}, "ASK {}".encode("utf-16"), 415),
        ({"Content-Type": "application/sparql-query"}, b"ASK { \xff }", 400),
        ({"Content-Type": "application/x-www-form-urlencoded"}, b"query=ASK%20%7B%7D&query=ASK%20%7B%7D", 400),
        ({"Content-Type": "application/x-www-form-urlencoded"}, b"query=ASK%20%7B%7D&update=CLEAR%20ALL", 400),
        ({"Content-Type": "application/x-www-form-urlencoded"}, b"query=%FF", 400),
        ({"Content-Type": "application/x-www-form-urlencoded"}, b"", 400),
    ],
)
def test_protocol_errors(client, headers: dict[str, str], body: bytes, status: int) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/sparql", data=body, headers=headers)
    assert response.status_code == status, response.data
    assert response.mimetype == "text/plain" and response.data.startswith(str(status).encode())


def test_errors_are_json_for_clients_that_prefer_json(client) -> None:  # type: ignore[no-untyped-def]
    response = send(client, "GET", "SELECT * { ?s ?p }", accept="application/sparql-results+json")
    assert response.status_code == 400
    assert json.loads(response.data)["status"] == 400


def test_other_methods_get_405(client) -> None:  # type: ignore[no-untyped-def]
    response = client.put("/sparql", data=b"ASK {}")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


def test_service_description_for_machines(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.data, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    query = f"""PREFIX sd: <{sd}> PREFIX plankg: <https://w3id.org/plankg/def/core/>
        SELECT ?timeout ?limit ?graphs WHERE {{ ?s a sd:Service ; sd:endpoint ?s ; plankg:queryTimeout ?timeout ;
        plankg:resultLimit ?limit ; sd:defaultDataset ?d . {{ SELECT ?d (COUNT(?g) AS ?graphs) {{ ?d sd:namedGraph ?g }}
        GROUP BY ?d }} }}"""
    (row,) = list(graph.query(query))
    assert float(row.timeout) == 3.0 and int(row.limit) == 1000 and int(row.graphs) >= 10


def test_service_description_for_browsers_has_a_form_and_the_examples(client) -> None:  # type: ignore[no-untyped-def]
    from html.parser import HTMLParser

    from plankg.tables.queries import list_queries

    response = client.get("/sparql", headers={"Accept": "text/html"})
    assert response.mimetype == "text/html"

    class Collect(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []
            self.text: list[str] = []

        def handle_starttag(self, tag: str, attrs: object) -> None:
            self.tags.append(tag)

        def handle_data(self, data: str) -> None:
            self.text.append(data)

    parser = Collect()
    parser.feed(response.data.decode())
    assert "form" in parser.tags and "textarea" in parser.tags
    page = "".join(parser.text)
    assert all(q.title in page for q in list_queries())


def test_cors_for_any_origin_without_credentials(client) -> None:  # type: ignore[no-untyped-def]
    preflight = client.options(
        "/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in preflight.headers
    assert send(client, "GET", "ASK {}").headers["Access-Control-Allow-Origin"] == "*"


def test_etag_and_conditional_get(client) -> None:  # type: ignore[no-untyped-def]
    first = send(client, "GET", REGIONS)
    etag = first.headers["ETag"]
    assert send(client, "GET", REGIONS).headers["ETag"] == etag
    assert send(client, "GET", REGIONS, accept="text/csv").headers["ETag"] != etag
    again = client.get(f"/sparql?query={quote(REGIONS)}", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_system_pages(client, app) -> None:  # type: ignore[no-untyped-def]
    health = client.get("/-/health").get_json()
    assert health["status"] == "ok"
    version = client.get("/-/version").get_json()
    assert version["data_version"] == app.extensions["plankg"].prepared.version
    assert version["software_version"] and version["loaded_at"]
    config = client.get("/-/config").get_json()
    assert config["query_timeout"] == 3.0 and config["result_limit"] == 1000


@pytest.mark.parametrize("name", [q.name for q in __import__("plankg.tables.queries").tables.queries.list_queries()])
def test_the_query_page_examples_answer_as_the_bound_named_queries(client, store, name: str) -> None:  # type: ignore[no-untyped-def]
    """The examples on the query page carry their default values in the text; at the endpoint they
    answer exactly what the named query answers with those values bound."""
    from plankg.tables.queries import find_query, run_query, runnable_text

    query = find_query(name)
    response = send(client, "POST-form", runnable_text(query), accept="application/sparql-results+json")
    assert response.status_code == 200, response.data

    # GROUP_CONCAT has no order (SPARQL 1.1 §18.5.1.7): its lists are compared as sets
    def same(value: str) -> str:
        return ", ".join(sorted(value.split(", ")))

    over_http = sorted(
        tuple(sorted((k, same(v["value"])) for k, v in row.items()))
        for row in response.get_json()["results"]["bindings"]
    )
    solutions = run_query(store, query, {})
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    bound = sorted(
        tuple(sorted((n, same(s[n].value)) for n in names if s[n] is not None))  # type: ignore[union-attr]
        for s in solutions
    )
    assert over_http == bound
    page = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert f'data-example="{name}"' in page
