"""Lookups answered in place (one triple pattern, one resource described) answer byte for byte as the
query processes do.

The query processes' work is :func:`execute` on the client's own text (what a worker runs); the
answer in place is the query rebuilt from its parts. On the served store of the project's data, for
every predicate and a sample of subjects, in every results format, and descriptions in every RDF
format; on a store of awkward literals; at the result limit and past the rows answered here. And
whatever text comes in, what reaches the engine here is one triple pattern or one IRI described, in
the fixed skeleton (property test), and a query of any other form is not answered here.
"""

from __future__ import annotations

import dataclasses
import json
import random
import re

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plankg.domain.evaluate import QueryFailed, QueryRequest, execute
from plankg.domain.lookup import LONGEST, ROWS, LookupsInPlace, read_lookup
from plankg.tables.formats import RDF_FORMATS, RESULT_FORMATS

SKOS = "http://www.w3.org/2004/02/skos/core#"
KOMMUNE = "https://w3id.org/plankg/id/kommune/"
EX = "http://example.org/"


@pytest.fixture(scope="module")
def served(app) -> LookupsInPlace:  # type: ignore[no-untyped-def]
    runner = app.extensions["plankg"].pool
    assert isinstance(runner, LookupsInPlace)
    return runner


def both(runner: LookupsInPlace, text: str, limit: int | None = None) -> tuple[object, object]:
    """(answer in place, answer of the query processes' work) for every results format: bytes, or the failure."""
    limit = runner.result_limit if limit is None else limit
    here, there = [], []
    for fmt in RESULT_FORMATS:
        request = QueryRequest(text, results=fmt, held_graphs=frozenset())
        in_place = LookupsInPlace(runner.runner, runner.store, limit)
        assert read_lookup(text) is not None, text
        here.append(_outcome(lambda r=request, p=in_place: p.answer(r)))  # type: ignore[misc]
        there.append(_outcome(lambda r=request, s=runner.store: execute(s, r, limit)))  # type: ignore[misc]
    return here, there


def _outcome(action):  # type: ignore[no-untyped-def]
    try:
        answer = action()
        assert answer is not None  # answered in place
        return (answer.body, answer.count if answer.count >= 0 else None, answer.kind)
    except QueryFailed as error:
        return (error.kind, str(error))


def test_every_predicate_and_sampled_subjects_answer_alike(served: LookupsInPlace) -> None:
    store = served.store
    predicates = sorted({q.predicate.value for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())})
    subjects = sorted(
        {
            q.subject.value
            for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
            if isinstance(q.subject, ox.NamedNode)
        }
    )
    rng = random.Random(19)
    texts = []
    for subject in rng.sample(subjects, 25):
        texts += [
            f"SELECT ?p ?o {{ <{subject}> ?p ?o }}",
            f"select * where {{ <{subject}> ?p ?o . }} limit 3 offset 1",
            f"SELECT ?o {{ <{subject}> <{SKOS}prefLabel> ?o }}",
            f"ASK {{ <{subject}> a ?type }}",
        ]
    for predicate in predicates:
        texts += [
            f"SELECT ?s ?o {{ ?s <{predicate}> ?o }} LIMIT 40",
            f"SELECT DISTINCT ?o ?s WHERE {{ ?s <{predicate}> ?o }} OFFSET 5 LIMIT 10",
        ]
    texts.append(f'PREFIX skos: <{SKOS}> SELECT ?s {{ ?s skos:prefLabel "Kolding"@DA }}')
    texts.append(f"PREFIX : <{SKOS}> ASK {{ ?s :prefLabel 'Ingen sådan kommune' }}")
    for text in texts:
        here, there = both(served, text)
        assert here == there, text
    found = both(served, f'PREFIX skos: <{SKOS}> SELECT ?s {{ ?s skos:prefLabel "Kolding"@DA }}')[0]
    assert b"kommune/0621" in found[0][0]  # type: ignore[index]  # the language tag matched as the engine does


def test_awkward_literals_answer_alike() -> None:
    store = ox.Store()
    values = ['say "hi"', "a\nb\tc\r", "comma, quote\" and 'apostrophe'", "æøå €", "<tag> & amp", "back\\slash", ""]
    literals = [ox.Literal(v) for v in values] + [
        ox.Literal("Kolding", language="da"),
        ox.Literal("12", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ox.Literal("x", datatype=ox.NamedNode(EX + "type")),
    ]
    for index, literal in enumerate(literals):
        for graph in (ox.DefaultGraph(), ox.NamedNode(EX + "g")):
            store.add(ox.Quad(ox.NamedNode(f"{EX}s{index}"), ox.NamedNode(EX + "p"), literal, graph))
    runner = LookupsInPlace(None, store, 1000)  # type: ignore[arg-type]
    texts = [f"SELECT * {{ ?s <{EX}p> ?o }}", f"ASK {{ <{EX}s0> <{EX}p> 'say \"hi\"' }}"]
    texts += [f'SELECT ?s {{ ?s <{EX}p> "a\\nb\\tc\\r" }}', f"SELECT ?s {{ ?s <{EX}p> 'back\\\\slash' }}"]
    texts += [f'SELECT ?s {{ ?s <{EX}p> "12"^^<http://www.w3.org/2001/XMLSchema#integer> }}']
    texts += [f"PREFIX e: <{EX}> SELECT ?s {{ ?s e:p 'x'^^e:type }}", f"SELECT ?s {{ ?s <{EX}p> '' }}"]
    for text in texts:
        here, there = both(runner, text)
        assert here == there, text
        answer = json.loads(here[0][0])  # type: ignore[index]  # JSON comes first: each one finds something
        assert answer.get("boolean") is True or answer["results"]["bindings"], text


def described(runner: LookupsInPlace, text: str) -> tuple[list[object], list[object]]:
    """(the description in place, the query processes' work) in every RDF format: bytes, or the failure."""
    here, there = [], []
    for fmt in RDF_FORMATS:
        request = QueryRequest(text, graph=fmt, held_graphs=frozenset())
        here.append(_outcome(lambda r=request: runner.answer(r)))  # type: ignore[misc]
        there.append(_outcome(lambda r=request: execute(runner.store, r, runner.result_limit)))  # type: ignore[misc]
    return here, there


def test_a_description_of_one_resource_answers_alike(served: LookupsInPlace) -> None:
    store = served.store
    subjects = sorted(
        {
            q.subject.value
            for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
            if isinstance(q.subject, ox.NamedNode)
        }
    )
    for subject in [*random.Random(7).sample(subjects, 30), "https://w3id.org/plankg/id/kommune/0621"]:
        here, there = described(served, f"DESCRIBE <{subject}>")
        assert here == there, subject
    here, _ = described(served, f"PREFIX k: <{KOMMUNE}> describe k:0621")
    graph = ox.Dataset(ox.parse(here[0][0], format=ox.RdfFormat.TURTLE))  # type: ignore[index]
    held = {(q.predicate, q.object) for q in store.quads_for_pattern(ox.NamedNode(f"{KOMMUNE}0621"), None, None)}
    assert {(q.predicate, q.object) for q in graph} == held and len(held) > 10


def test_a_description_that_follows_blank_nodes_or_is_long_goes_to_the_query_processes() -> None:
    store = ox.Store()
    node, blank = ox.NamedNode(EX + "s"), ox.BlankNode()
    store.add(ox.Quad(node, ox.NamedNode(EX + "p"), blank, ox.DefaultGraph()))
    store.add(ox.Quad(blank, ox.NamedNode(EX + "q"), ox.Literal("inside"), ox.DefaultGraph()))
    long = ox.NamedNode(EX + "long")
    for index in range(ROWS + 1):
        store.add(ox.Quad(long, ox.NamedNode(EX + "p"), ox.Literal(str(index)), ox.DefaultGraph()))
    store.add(ox.Quad(ox.NamedNode(EX + "short"), ox.NamedNode(EX + "p"), ox.Literal("x"), ox.DefaultGraph()))
    runner = LookupsInPlace(None, store, 100_000)  # type: ignore[arg-type]
    assert runner.answer(QueryRequest(f"DESCRIBE <{EX}s>")) is None
    assert runner.answer(QueryRequest(f"DESCRIBE <{EX}long>")) is None
    assert runner.answer(QueryRequest(f"DESCRIBE <{EX}short>")) is not None
    assert runner.answer(QueryRequest(f"DESCRIBE <{EX}short>", graph=None)) is None  # no RDF format accepted


def _predicate_counts(store: ox.Store) -> dict[str, int]:
    counts: dict[str, int] = {}
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        counts[quad.predicate.value] = counts.get(quad.predicate.value, 0) + 1
    return counts


def test_the_result_limit_is_kept_alike(served: LookupsInPlace) -> None:
    counts = _predicate_counts(served.store)
    predicate = next(p for p, n in sorted(counts.items()) if 11 < n <= ROWS)
    text = f"SELECT ?s ?o {{ ?s <{predicate}> ?o }}"
    here, there = both(served, text, limit=10)
    assert here == there
    assert all(outcome[0] == "limit" for outcome in here)  # type: ignore[index]
    within = both(served, text + " LIMIT 10", limit=10)
    assert within[0] == within[1] and all(isinstance(o[0], bytes) for o in within[0])  # type: ignore[index]
    # a predicate with more than ROWS rows: past a result limit of ROWS or less, the same refusal in place
    predicate, count = max(counts.items(), key=lambda item: item[1])
    assert count > ROWS
    here, there = both(served, f"SELECT ?s ?o {{ ?s <{predicate}> ?o }}", limit=ROWS)
    assert here == there and all(outcome[0] == "limit" for outcome in here)  # type: ignore[index]


def test_a_longer_answer_goes_to_the_query_processes(app) -> None:  # type: ignore[no-untyped-def]
    runner = app.extensions["plankg"].pool
    served = LookupsInPlace(runner.runner, runner.store, 100_000)  # the default result limit, above ROWS
    counts = _predicate_counts(served.store)
    predicate, count = max(counts.items(), key=lambda item: item[1])
    assert count > ROWS  # the project's data has a predicate used more often than a lookup answers here
    request = QueryRequest(f"SELECT ?s ?o {{ ?s <{predicate}> ?o }}", held_graphs=frozenset())
    assert served.answer(request) is None
    assert served.answer(dataclasses.replace(request, text=request.text + f" LIMIT {ROWS}")) is not None
    if count - ROWS <= ROWS:  # the edge: exactly ROWS rows after the offset, and one more
        assert served.answer(dataclasses.replace(request, text=request.text + f" OFFSET {count - ROWS}")) is not None
        assert served.answer(dataclasses.replace(request, text=request.text + f" OFFSET {count - ROWS - 1}")) is None
    last = f" OFFSET {ROWS} LIMIT {ROWS}"
    assert served.answer(dataclasses.replace(request, text=request.text + last)) is not None
    assert served.answer(dataclasses.replace(request, text=request.text + f" OFFSET {ROWS + 1} LIMIT 1")) is None
    small = next(p for p, n in sorted(counts.items()) if n <= ROWS)
    assert served.answer(dataclasses.replace(request, text=f"SELECT * {{ ?s <{small}> ?o }}")) is not None


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?o { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT ?o { <http://example.org/s> ?p ?o . SERVICE <http://127.0.0.1:9/> {} }",
        "SELECT ?o FROM <http://127.0.0.1:9/x> { ?s ?p ?o }",
        "SELECT ?o { GRAPH ?g { ?s ?p ?o } }",
        "SELECT ?o { ?s ?p ?o FILTER(?o > 1) }",
        "SELECT ?o { ?s ?p ?o } ORDER BY ?o",
        "SELECT ?s { ?s ?p ?s }",  # a repeated variable filters index entries
        "SELECT DISTINCT ?p { ?s ?p ?o }",  # would skip every entry of a predicate already seen
        "SELECT ?x { ?s ?p ?o }",  # a variable not in the pattern
        "SELECT ?o ?o { ?s ?p ?o }",
        "SELECT ?o { <relative> ?p ?o }",
        "BASE <http://example.org/> SELECT ?o { <s> ?p ?o }",
        "SELECT ?o { ex:s ?p ?o }",  # an undeclared prefix: the engine's error, not ours
        "SELECT ?o { ?s ?p ?o } # a comment",
        "SELECT ?o { ?s ?p ?o } LIMIT 1 LIMIT 2",
        "SELECT ?o { ?s ?p ?o } VALUES ?o { 1 }",
        "SELECT ?o { ?s ?p ?o ; ?q ?r }",
        "SELECT ?o { ?s ?p ?o , ?r }",
        "SELECT ?o { ?s ?p [] }",
        "SELECT ?o { ?s ?p 1 }",
        "SELECT ?o { ?s ?p ?o . ?o ?q ?r }",
        "SELECT (1 AS ?o) { ?s ?p ?o }",
        "CONSTRUCT { ?s ?p ?o } { ?s ?p ?o }",
        "DESCRIBE ?s WHERE { ?s ?p ?o }",
        "DESCRIBE <http://example.org/s> <http://example.org/t>",
        "DESCRIBE *",
        "DESCRIBE 'literal'",
        "SELECT ?o { ?s ?p ?o } OFFSET 0 OFFSET 5",
        "ASK { ?s ?p ?o } LIMIT 1",
        "INSERT DATA { <http://a/b> <http://a/c> <http://a/d> }",
        "SELECT ?o { 'literal' ?p ?o }",
        "SELECT ?o { ?s 'literal' ?o }",
        "SELECT ?o { a ?p ?o }",
        'SELECT ?o { ?s ?p """long""" }',
        "SELECT ?o { ?s ?p '\\u0041' }",
        "SELECT ?o { ?s <http://a/b\\u0041> ?o }",
        "SELECT ?o { ?s ?p ?o }" + " " * LONGEST,
    ],
)
def test_other_forms_go_to_the_query_processes(text: str) -> None:
    assert read_lookup(text) is None


#: What the engine here may ever see: the skeleton, variable names, and terms in N-Triples syntax.
IRI = r'<[^<>"{}|^`\\\x00-\x20]+>'
TERM = rf'(?:\?[A-Za-z0-9_]+|{IRI}|"(?:[^"\\\n\r]|\\[tnrbf"\\])*"(?:@[a-z]+(?:-[a-z0-9]+)*|\^\^{IRI})?)'
SKELETON = re.compile(
    rf"(?:SELECT (?:DISTINCT )?(?:\*|\?[A-Za-z0-9_]+(?: \?[A-Za-z0-9_]+)*)"
    rf" WHERE \{{ {TERM} {TERM} {TERM} \}} LIMIT [0-9]+(?: OFFSET [0-9]+)?"
    rf"|ASK \{{ {TERM} {TERM} {TERM} \}}|DESCRIBE {IRI})"
)
WORDS = (
    "SELECT ASK DESCRIBE DISTINCT WHERE PREFIX SERVICE FILTER GRAPH LIMIT OFFSET a { } . * ?o $s ?p <http://example.org/s>"
    " <http://127.0.0.1:9/> ex: ex:s 'x' \"y\"@da 'z'^^ex:t 'a\\'b' 10 # ; , ( ) <s> \"\\n\" }} ' \" \\"
)
PIECES = [*WORDS.split(), "\n"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=3, max_size=14), st.sampled_from([" ", "", "\n"]))
def test_only_the_skeleton_reaches_the_engine(pieces: list[str], joiner: str) -> None:
    text = "PREFIX ex: <http://example.org/> " + joiner.join(pieces)
    lookup = read_lookup(text)
    if lookup is not None:
        rebuilt = lookup.text()
        assert SKELETON.fullmatch(rebuilt), rebuilt


def test_a_lookup_does_not_wake_a_query_process(app) -> None:  # type: ignore[no-untyped-def]
    runner = app.extensions["plankg"].pool
    served_before = sum(w.served for w in runner.runner._all)
    client = app.test_client()
    response = client.get(
        "/sparql",
        query_string={"query": f"SELECT ?o {{ <https://w3id.org/plankg/id/kommune/0621> <{SKOS}prefLabel> ?o }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    values = {b["o"]["value"] for b in response.get_json()["results"]["bindings"]}
    assert "Kolding" in values
    assert sum(w.served for w in runner.runner._all) == served_before
    other = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": "application/json"})
    assert other.get_json()["boolean"] is True
    assert sum(w.served for w in runner.runner._all) == served_before + 1
