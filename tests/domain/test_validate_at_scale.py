"""SHACL's SPARQL constraints on the embedded engine: the same findings as pyshacl, and what stays with it.

The differential tests validate each data set twice, once with every constraint in pyshacl
(``reference=True``, the way plankg validated before) and once with the SPARQL-based constraints
run once each on pyoxigraph, and compare the findings: node, path, value, rule, shape, message and
files.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from plankg.domain import shacl_sparql
from plankg.domain.assemble import load_dataset
from plankg.domain.dataset import Loaded
from plankg.domain.namespaces import SH
from plankg.domain.validate import load_shapes, validate

from ..support import TEST_DATA, synthetic_module

INVALID = sorted(p for p in (TEST_DATA / "invalid").iterdir() if p.suffix in (".ttl", ".trig"))
ORG = "http://www.w3.org/ns/org#"
TIME = "http://www.w3.org/2006/time#"


def assert_same_findings(loaded: Loaded) -> Counter[str]:
    """Validate both ways; the findings must be equal. Returns the rules found, counted."""
    fast, reference = validate(loaded), validate(loaded, reference=True)
    assert fast.findings == reference.findings
    return Counter(f.rule for f in fast.findings)


@pytest.mark.parametrize("paths", [[p] for p in INVALID] + [INVALID], ids=[p.stem for p in INVALID] + ["all-at-once"])
def test_each_broken_data_set_gives_pyshacls_findings(paths: list[Path]) -> None:
    found = assert_same_findings(load_dataset(paths))
    assert sum(found.values()) >= 1


def test_generated_data_conform_to_the_shapes() -> None:
    quads = synthetic_module().generate(12_000)
    loaded = Loaded()
    loaded.add(quads, "synthetic.nq")
    report = validate(loaded)
    assert report.findings == [], report.as_text()[:2000]


def test_generated_data_with_defects_give_pyshacls_findings_on_many_nodes_at_once() -> None:
    """The project's data plus generated cooperations, with every SPARQL rule broken many times."""
    # generate() starts from the project's own data: their findings (none) are compared too
    quads = synthetic_module().generate(12_000)
    rng = random.Random(7)
    by_predicate: dict[str, list[ox.Quad]] = {}
    for quad in quads:
        if "syntetisk" in quad.subject.value:
            by_predicate.setdefault(quad.predicate.value, []).append(quad)
    dropped = set(rng.sample(by_predicate[ORG + "hasMember"], 15)) | set(rng.sample(by_predicate[ORG + "member"], 15))
    defects = [
        ox.Quad(q.subject, ox.NamedNode(TIME + "hasEnd"), ox.NamedNode(q.subject.value + "/tidlig-slut"), q.graph_name)
        for q in rng.sample(by_predicate[TIME + "hasBeginning"], 15)
    ]
    defects += [
        ox.Quad(ox.NamedNode(q.subject.value + "/tidlig-slut"), p, o, q.graph_name)
        for q in defects
        for p, o in (
            (ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(TIME + "Instant")),
            (
                ox.NamedNode(TIME + "inXSDgYear"),
                ox.Literal("2006", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")),
            ),
        )
    ]
    loaded = Loaded()
    loaded.add([q for q in quads if q not in dropped] + defects, "synthetic.nq")
    found = assert_same_findings(loaded)
    assert found["sh:SPARQLConstraintComponent"] >= 30


SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:Targeted a sh:NodeShape ; sh:targetClass ex:A ; sh:targetSubjectsOf ex:p ; sh:targetObjectsOf ex:q ;
    sh:targetNode ex:n ; sh:sparql ex:c1 .
ex:c1 sh:select "SELECT $this WHERE { $this ex:bad true }" .
ex:Untargeted a sh:NodeShape ; sh:sparql ex:c2 .
ex:c2 sh:select "SELECT $this WHERE { $this ex:bad true }" .
ex:Used a sh:NodeShape ; sh:targetClass ex:A ; sh:sparql ex:c3 .
ex:c3 sh:select "SELECT $this WHERE { $this ex:bad true }" .
ex:User a sh:NodeShape ; sh:targetClass ex:B ; sh:property [ sh:path ex:r ; sh:node ex:Used ] .
ex:OnAProperty a sh:PropertyShape ; sh:targetClass ex:A ; sh:path ex:r ; sh:sparql ex:c4 .
ex:c4 sh:select "SELECT $this ?value WHERE { $this $PATH ?value }" .
ex:Failing a sh:NodeShape ; sh:targetClass ex:A ; sh:sparql ex:c5 .
ex:c5 sh:select "SELECT $this ?failure WHERE { $this ex:bad true }" .
ex:Blank a sh:NodeShape ; sh:targetClass [ a ex:Anonymous ] ; sh:sparql ex:c7 .
ex:c7 sh:select "SELECT $this WHERE { $this ex:bad true }" .
ex:Off a sh:NodeShape ; sh:targetClass ex:A ; sh:sparql ex:c6 .
ex:c6 sh:select "SELECT $this WHERE { $this ex:bad true }" ; sh:deactivated true .
"""


def test_only_constraints_one_query_can_express_leave_pyshacl() -> None:
    shapes = Graph().parse(data=SHAPES, format="turtle")
    rest, taken = shacl_sparql.split(shapes)
    assert [str(c.node) for c in taken] == ["http://example.org/c1"]
    kept = {str(o) for o in rest.objects(None, SH.sparql)}
    assert kept == {f"http://example.org/c{i}" for i in (2, 3, 4, 5, 6, 7)}
    query = taken[0].query
    for target in (
        "rdf-schema#subClassOf>* <http://example.org/A>",
        "<http://example.org/p> []",
        "[] <http://example.org/q>",
    ):
        assert target in query
    assert "VALUES ?this { <http://example.org/n> }" in query


def test_every_focus_node_is_checked_once_by_one_query() -> None:
    """Focus nodes reached by two targets, a subclass, and a brace in a string before the WHERE clause."""
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:A ; sh:targetSubjectsOf ex:p ; sh:sparql [
            sh:message "{$this} is bad ({?why})"@en , "{$this} er dårlig"@da ;
            sh:select '''SELECT $this ("}{" AS ?why) WHERE { $this <http://example.org/bad> true .
                FILTER NOT EXISTS { $this <http://example.org/excused> true } }''' ] .
        """,
        format="turtle",
    )
    store = ox.Store()
    store.load(
        input=b"""
        @prefix ex: <http://example.org/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        ex:Sub rdfs:subClassOf ex:A .
        ex:a1 a ex:A ; ex:p 1 ; ex:bad true .
        ex:a2 a ex:Sub ; ex:bad true .
        ex:a3 a ex:A ; ex:bad true ; ex:excused true .
        ex:other ex:bad true .
        """,
        format=ox.RdfFormat.TURTLE,
    )
    _, taken = shacl_sparql.split(shapes)
    results = list(shacl_sparql.run(taken, store))
    assert sorted(str(r.focus) for r in results) == ["http://example.org/a1", "http://example.org/a2"]
    assert {r.message for r in results} == {f"http://example.org/{n} is bad (}}{{)" for n in ("a1", "a2")}
    assert all(r.value == r.focus and r.path is None for r in results)


def test_load_shapes_has_sparql_constraints_that_all_run_on_the_embedded_engine() -> None:
    shapes = load_shapes()
    rest, taken = shacl_sparql.split(shapes)
    assert len(taken) == len(list(shapes.objects(None, SH.sparql))) >= 7
    assert list(rest.objects(None, SH.sparql)) == []


TAKEN = {
    "top-level FILTER NOT EXISTS": "SELECT $this { $this ex:p ?v FILTER NOT EXISTS { $this ex:q ?v FILTER(?v > 1) } }",
    "OPTIONAL without a filter": "SELECT $this ?v { $this ex:p ?v OPTIONAL { ?m ex:of $this } FILTER(!BOUND(?m)) }",
    "UNION of triple patterns": "SELECT $this ?v WHERE { { $this ex:p ?v } UNION { ?v ex:q $this } }",
    "SELECT *": "SELECT * WHERE { $this ex:p ?value }",
    "a filter over a function": "SELECT $this WHERE { $this ex:p ?v FILTER regex(STR(?v), '{') }",
}
LEFT = {
    "a FILTER on $this in an OPTIONAL": "SELECT $this WHERE { OPTIONAL { ?x ex:p ?y FILTER(?y = $this) } }",
    "a BIND of $this in a UNION": "SELECT $this WHERE { { BIND($this AS ?x) } UNION { ?x ex:p ?y } }",
    "an EXISTS on $this in a nested group": "SELECT $this WHERE { { ?x ex:p ?y FILTER EXISTS { $this ex:q ?y } } }",
    "LIMIT": "SELECT $this WHERE { $this ex:p ?v } LIMIT 1",
    "an aggregate": "SELECT $this (COUNT(?v) AS ?n) WHERE { $this ex:p ?v } GROUP BY $this HAVING (?n > 1)",
    "a subquery": "SELECT $this WHERE { { SELECT ?v WHERE { ?v ex:p 1 } } $this ex:q ?v }",
    "no $this in the projection": "SELECT ?value WHERE { $this ex:p ?value }",
    "a codepoint escape": "SELECT $this WHERE { $this ex:p '\\\\u0041' }",
}


@pytest.mark.parametrize(
    ("name", "select", "taken"), [(n, s, True) for n, s in TAKEN.items()] + [(n, s, False) for n, s in LEFT.items()]
)
def test_a_query_runs_once_for_all_focus_nodes_only_where_that_answers_as_pre_binding(
    name: str, select: str, taken: bool
) -> None:
    shapes = Graph().parse(
        data=f"""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:A ; sh:sparql [ sh:prefixes ex:P ; sh:select \"\"\"{select}\"\"\" ] .
        ex:P sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/" ] .""",
        format="turtle",
    )
    _, constraints = shacl_sparql.split(shapes)
    assert bool(constraints) == taken, name
