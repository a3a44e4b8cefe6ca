"""The SPARQL endpoint at ``/sparql``: parse request → check → execute → serialise."""

from __future__ import annotations

import json
import time

import pyoxigraph as ox
from flask import Blueprint, Response, g, render_template, request

from plankg.domain.evaluate import QueryAnswer, QueryFailed, QueryRequest
from plankg.domain.guard import Refused
from plankg.domain.syntax import SyntaxProblem, explain
from plankg.tables.formats import HTML, RDF_FORMATS, RESULT_FORMATS, Format
from plankg.tables.negotiate import NotAcceptable, choose_format
from plankg.tables.vocab import PREFIXES
from plankg.web import caching
from plankg.web.caching import not_modified
from plankg.web.errors import ProtocolError
from plankg.web.facts import Labeller
from plankg.web.messages import TEXT, ui_language
from plankg.web.observability import set_outcome
from plankg.web.protocol import read_request
from plankg.web.security import QUERY_PAGE_POLICY, open_cors
from plankg.web.state import local_href, page_finder, state

bp = Blueprint("sparql", __name__)

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"


bp.after_request(open_cors)


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    """Answer a SPARQL 1.1 Protocol query, or describe the service when there is none."""
    if request.method == "OPTIONS":
        return Response(status=204)
    protocol = read_request(request)
    if protocol.query is None:
        if request.method == "POST":
            raise ProtocolError(
                400, "a POST must carry a query (form parameter 'query' or an application/sparql-query body)"
            )
        return service_description(protocol.format)
    app_state = state()
    g.plankg_query = protocol.query
    accept = request.headers.get("Accept")
    as_page = _acceptable(protocol.format, accept, "results-page") is HTML  # a browser following a shared link
    results, graph = _acceptable(protocol.format, accept, "results"), _acceptable(protocol.format, accept, "graph")
    if as_page:
        results, graph = RESULT_FORMATS[0], RDF_FORMATS[0]
    default_graphs: tuple[str, ...] | None = protocol.default_graphs or None
    named_graphs: tuple[str, ...] | None = protocol.named_graphs or None
    if named_graphs is not None and default_graphs is None:
        default_graphs = ()  # protocol dataset with no default graph: it is empty (§2.1.4)
    etag = _etag(protocol.query, default_graphs, named_graphs, results, graph, HTML if as_page else None)
    vary = "Accept, Accept-Language" if as_page else "Accept"
    headers = {"Vary": vary, "ETag": f'"{etag}"', "Cache-Control": "public, max-age=60"}
    unchanged = not_modified(etag, headers)
    if unchanged:
        set_outcome("ok")
        return unchanged
    query_request = QueryRequest(
        text=protocol.query,
        results=results,
        graph=graph,
        default_graphs=default_graphs,
        named_graphs=named_graphs,
        base_iri=app_state.config.base_uri + "sparql",  # the configured base, never the Host header
        held_graphs=app_state.held_graphs,
    )
    try:
        answer = _run(query_request)
    except (QueryFailed, Refused) as error:
        if isinstance(error, QueryFailed) and error.kind == "not_acceptable":  # no format of the query's family
            choose_format(None, protocol.format, accept, str(error))
        syntax = getattr(error, "kind", "") == "syntax" or str(error).startswith("SPARQL syntax error")
        if as_page and syntax:  # a browser: the error in words, beside the query to mend
            set_outcome("syntax")
            problem = explain(str(error), protocol.query)
            page = results_page(protocol.query, b"", "error", problem)
            return Response(page, status=400, content_type=HTML.content_type, headers={"Vary": vary})
        raise
    chosen = graph if answer.kind == "graph" else results
    assert chosen is not None
    set_outcome("ok")
    sent = headers if request.method == "GET" else {"Vary": vary}
    if answer.count >= 0:
        sent = {**sent, "X-Result-Count": str(answer.count)}
    if as_page:
        page = results_page(protocol.query, answer.body, answer.kind)
        return Response(page, content_type=HTML.content_type, headers=sent)
    return Response(answer.body, content_type=chosen.content_type, headers=sent)


#: How many distinct IRIs of an answer get their labels looked up for the page.
LABELLED = 200


def results_page(query: str, body: bytes, kind: str, problem: SyntaxProblem | None = None) -> str:
    """An answer as a page: a table of bindings with labels and links, a boolean, the graph as Turtle, or
    the syntax error in words; the query stays editable."""
    lang = ui_language()
    variables: list[str] = []
    rows: list[list[dict[str, str]]] = []
    boolean: bool | None = None
    if kind == "boolean":
        boolean = json.loads(body)["boolean"]
    elif kind == "solutions":  # read as JSON: no engine object lives beyond this request's thread
        answer = json.loads(body)
        variables = answer["head"]["vars"]
        bindings = [[row.get(v) for v in variables] for row in answer["results"]["bindings"]]
        iris = [t["value"] for row in bindings for t in row if t and t["type"] == "uri"]
        labels = _labels([ox.NamedNode(iri) for iri in iris], lang)
        rows = [[_cell(t, labels) for t in row] for row in bindings]
    return render_template(
        "sparql_results.html",
        query=query,
        variables=variables,
        rows=rows,
        boolean=boolean,
        graph=body.decode("utf-8") if kind == "graph" else None,
        problem=problem,
        download=request.full_path.replace("?", "?format=json&", 1) if "?" in request.full_path else "",
        text=TEXT[lang],
        lang=lang,
    )


def _labels(iris: list[ox.NamedNode], lang: str) -> dict[str, str]:
    """Labels of the first IRIs of an answer in the page language, as resource pages find them."""
    names = Labeller([], lang, state().store, page_finder())
    return {iri.value: names.label(iri.value) for iri in list(dict.fromkeys(iris))[:LABELLED] if names.known(iri.value)}


def _cell(term: dict[str, str] | None, labels: dict[str, str]) -> dict[str, str]:
    """One binding (SPARQL JSON) as a cell: an IRI with its label and page, a literal with its language."""
    if term is None:
        return {"text": ""}
    if term["type"] == "uri":
        iri = term["value"]
        label = labels.get(iri, "")
        return {"text": label or iri, "iri": iri, "href": local_href(iri) or iri}
    if term["type"] == "literal":
        return {"text": term["value"], "lang": term.get("xml:lang", "")}
    if term["type"] == "triple":
        return {"text": json.dumps(term["value"], ensure_ascii=False)}
    return {"text": "_:" + term["value"]}


def _run(query: QueryRequest) -> QueryAnswer:
    """Run a client's query within the limits; reading the request already counted against the time limit."""
    app_state = state()
    config = app_state.config
    return app_state.pool.run(
        query,
        timeout=max(0.1, config.query_timeout - (time.perf_counter() - g.plankg_started)),
        queue_timeout=config.queue_timeout,
        limit=config.query_timeout,
    )


def _acceptable(format_param: str | None, accept: str | None, family: str) -> Format | None:
    try:
        return choose_format(None, format_param, accept, family)
    except NotAcceptable:
        return None


def _etag(query: str, default: tuple[str, ...] | None, named: tuple[str, ...] | None, *chosen: Format | None) -> str:
    """The query, its dataset and the variants it may be answered in."""
    return caching.etag(query, repr(default), repr(named), *(f.media_type if f else "-" for f in chosen))


def service_description(format_param: str | None) -> Response:
    """The SPARQL 1.1 Service Description; an HTML page with a query form for browsers."""
    chosen = choose_format(None, format_param, request.headers.get("Accept"), "page")
    if chosen is HTML:
        return _query_page()
    body = (
        ox.serialize(describe_service(state().config.base_uri + "sparql"), format=chosen.rdf, prefixes=_SD_PREFIXES)
        or b""
    )
    return Response(body, content_type=chosen.content_type, headers={"Vary": "Accept"})


def _query_page() -> Response:
    """YASGUI on this endpoint, with the named queries as runnable examples (a plain form without JavaScript)."""
    from plankg.tables.queries import list_queries, runnable_text

    lang = ui_language()
    today = state().config.current_day()
    queries = [
        {
            "name": q.name,
            "title": q.title_in(lang),
            "description": q.description_in(lang),
            "runnable": runnable_text(q, today=today),
        }
        for q in list_queries()
    ]
    examples = [{"name": q["name"], "title": q["title"], "query": q["runnable"]} for q in queries]
    body = render_template(
        "sparql.html",
        config=state().config,
        queries=queries,
        examples=examples,
        text=TEXT[lang],
        lang=lang,
        version=state().prepared.version,
    )
    return Response(
        body,
        content_type=HTML.content_type,
        headers={"Vary": "Accept, Accept-Language", "Content-Security-Policy": QUERY_PAGE_POLICY},
    )


_SD_PREFIXES = {"sd": SD, "void": "http://rdfs.org/ns/void#", "plankg": PREFIXES["plankg"]}


def _typed(value: object, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(datatype))


def describe_service(endpoint_url: str) -> list[ox.Triple]:
    """The service description triples (https://www.w3.org/TR/sparql11-service-description/)."""
    app_state = state()
    config = app_state.config
    service = ox.NamedNode(endpoint_url)
    dataset = ox.BlankNode("dataset")
    default = ox.BlankNode("default")

    def t(s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.Triple:
        return ox.Triple(s, ox.NamedNode(p), o)

    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    plankg = PREFIXES["plankg"]
    xsd = "http://www.w3.org/2001/XMLSchema#"
    triples = [
        t(service, rdf_type, ox.NamedNode(SD + "Service")),
        t(service, SD + "endpoint", service),
        t(service, SD + "supportedLanguage", ox.NamedNode(SD + "SPARQL11Query")),
        t(service, SD + "feature", ox.NamedNode(SD + "UnionDefaultGraph")),
        t(service, SD + "defaultDataset", dataset),
        t(dataset, rdf_type, ox.NamedNode(SD + "Dataset")),
        t(dataset, SD + "defaultGraph", default),
        t(default, rdf_type, ox.NamedNode(SD + "Graph")),
        t(default, "http://rdfs.org/ns/void#triples", _typed(app_state.union_triples, xsd + "integer")),
        t(service, plankg + "queryTimeout", _typed(config.query_timeout, xsd + "decimal")),
        t(service, plankg + "resultLimit", _typed(config.result_limit, xsd + "integer")),
        t(service, plankg + "maxRequestBytes", _typed(config.max_request_bytes, xsd + "integer")),
    ]
    for name in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "JSON-LD",
        "RDF_XML",
        "N-Triples",
        "TriG",
        "N-Quads",
    ):
        triples.append(t(service, SD + "resultFormat", ox.NamedNode(FORMATS_NS + name)))
    for index, graph in enumerate(app_state.prepared.graphs):
        named = ox.BlankNode(f"graph{index}")
        triples += [
            t(dataset, SD + "namedGraph", named),
            t(named, rdf_type, ox.NamedNode(SD + "NamedGraph")),
            t(named, SD + "name", ox.NamedNode(graph)),
        ]
    return triples
