"""Generated queries: the guard and the engine agree on where SERVICE, brackets and strings are.

Queries are built from fragments that fooled the old lexer (``<`` as less-than, ``\\#`` and
``\\'`` in prefixed names, quotes and ``#`` inside strings and IRIs, comments) followed by a
SERVICE clause in many spellings, pointing at a listener on loopback. The engine (pyoxigraph, in
this test process, with the network) is the judge: if it connected, the guard must have refused;
if it answered a query without a SERVICE clause, the guard must not have refused it. Strings:
the value the engine binds is the one the fragment meant, and the guard saw the literal as one
string token. Brackets: the guard refuses exactly the queries nested deeper than its limit,
whatever strings and comments hold.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plankg.domain.guard import MAX_NESTING, SERVICE_REFUSED, Refused, inspect_query, tokens

from ..support import Listener

PREFIXES = "PREFIX x: <http://example.org/x#> PREFIX : <http://example.org/e#>\n"
FRAGMENTS = [
    "FILTER(1<2)",
    "FILTER(?o<3 || ?o <= 4)",
    'FILTER(STR(?s)<"b")',
    "FILTER(<http://a> != ?s)",
    "FILTER(?s IN (<http://a>, <http://b#c>))",
    "BIND(1<2 AS ?{v})",
    "?s x:a\\#b ?o .",
    "?s x:a\\'b ?o .",
    "?s x:a\\.b\\-c ?o .",
    "?s <http://example.org/#SERVICE> ?o .",
    "?s (<http://p>|<http://q>)* ?o .",
    "# SERVICE <http://127.0.0.1:1/> { }\n",
    "VALUES ?{v} { <http://a> 'x' }",
    "OPTIONAL { ?s ?p ?o FILTER(?o>1) }",
]
STRINGS = {  # the literal as written → the value it denotes
    '"a#b"': "a#b",
    "'it\\'s'": "it's",
    '"""x"y""z"""': 'x"y""z',
    "'''a''b'''": "a''b",
    '"<SERVICE>"': "<SERVICE>",
    "'\\\\'": "\\",
    '"tab\\there"': "tab\there",
    '"{ ( [ \'"': "{ ( [ '",
}


def service_clauses(target: str) -> list[str]:
    return [
        f"SERVICE <{target}> {{ ?a ?b ?c }}",
        f"SERVICE#>\n<{target}> {{ ?a ?b ?c }}",
        f"service silent <{target}> {{ ?a ?b ?c }}",
        f"SERVICE<{target}>{{?a ?b ?c}}",
        f"\\u0053ERVICE <{target}> {{ ?a ?b ?c }}",
    ]


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


def engine_verdict(query: str, listener: Listener) -> str:
    """'connected', 'answered' or 'error', as pyoxigraph itself evaluates the query."""
    before = listener.connections
    try:
        list(ox.Store().query(query))  # type: ignore[arg-type]
    except (SyntaxError, OSError, RuntimeError, ValueError):
        return "connected" if listener.connections > before else "error"
    return "connected" if listener.connections > before else "answered"


def guard_verdict(query: str) -> str:
    try:
        inspect_query(query, frozenset())
    except Refused as error:
        return "service" if str(error) == SERVICE_REFUSED else "refused"
    return "passed"


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    parts=st.lists(st.sampled_from(FRAGMENTS), max_size=5),
    service=st.one_of(st.none(), st.integers(0, 4)),
)
def test_the_guard_refuses_exactly_what_reaches_the_network(
    listener: Listener, parts: list[str], service: int | None
) -> None:
    target = f"http://127.0.0.1:{listener.port}/sparql"
    body = " ".join(part.replace("{v}", f"v{i}") for i, part in enumerate(parts))
    clause = service_clauses(target)[service] if service is not None else ""
    query = f"{PREFIXES}SELECT * WHERE {{ {clause} {body} }}"
    engine, guard = engine_verdict(query, listener), guard_verdict(query)
    if engine == "connected":
        assert guard == "service", query
    if engine == "answered" and service is None:  # (the engine may skip a SERVICE that an empty join makes moot)
        assert guard == "passed", query


@pytest.mark.parametrize("literal", list(STRINGS))
def test_guard_and_engine_agree_on_strings(literal: str) -> None:
    query = f"SELECT ?v WHERE {{ BIND({literal} AS ?v) }}"
    rows = list(ox.Store().query(query))  # type: ignore[arg-type]
    assert rows[0]["v"].value == STRINGS[literal]
    assert ("string", literal) in tokens(query)


@settings(max_examples=60, deadline=None)
@given(
    depth=st.integers(MAX_NESTING - 3, MAX_NESTING + 3),
    noise=st.lists(st.sampled_from([*STRINGS, "# ((((\n", "<http://a/(((>"]), max_size=3),
)
def test_guard_counts_brackets_where_the_engine_does(depth: int, noise: list[str]) -> None:
    hidden = " ".join(f"BIND({n} AS ?n{i})" if not n.startswith(("#", "<")) else n for i, n in enumerate(noise))
    query = f"SELECT * WHERE {{ {hidden} BIND({'(' * (depth - 2)}1{')' * (depth - 2)} AS ?x) }}"
    refused = guard_verdict(query) == "refused"
    assert refused == (depth > MAX_NESTING), (depth, query[:200])


def test_a_remembered_verdict_is_the_guards_and_only_short_queries_are_remembered() -> None:
    """The query process remembers the guard's verdict per exact text: the same answer, every time."""
    from plankg.domain.evaluate import REMEMBERED_CHARS, QueryFailed, QueryRequest, _verdict, check_request

    held = frozenset({"https://w3id.org/plankg/graph/kilde/a"})
    allowed = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
    refused = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"
    _verdict.cache_clear()
    for _ in range(3):
        assert check_request(QueryRequest(allowed, held_graphs=held)) == "SELECT"
        with pytest.raises(QueryFailed) as failed:
            check_request(QueryRequest(refused, held_graphs=held))
        assert failed.value.kind == "refused" and str(failed.value) == SERVICE_REFUSED
    assert _verdict.cache_info().hits == 4 and _verdict.cache_info().currsize == 2
    # one character apart is another query
    with pytest.raises(QueryFailed):
        check_request(QueryRequest(refused.replace("SERVICE", "SERVICE "), held_graphs=held))
    long = allowed + " " * REMEMBERED_CHARS
    with pytest.raises(QueryFailed):
        check_request(QueryRequest(long + refused, held_graphs=held))
    assert check_request(QueryRequest(long, held_graphs=held)) == "SELECT"
    assert _verdict.cache_info().currsize == 3
