"""The collections ``/id/kommune``, ``/id/region``, ``/id/samarbejde``: lists, also as CSV tables.

A collection's membership is derived from the data (every resource of the class), so its own
triples are in the document's default graph; each member's label keeps its source graph.
"""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox

from plankg.resources import asserted

COLLECTIONS = {
    "kommune": ("https://w3id.org/plankg/def/core/Municipality", "Kommuner", "Municipalities"),
    "region": ("https://w3id.org/plankg/def/core/Region", "Regioner", "Regions"),
    "samarbejde": ("http://www.w3.org/ns/org#OrganizationalCollaboration", "Samarbejder", "Cooperations"),
}
RDFS_MEMBER = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#member")
LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
CONTAINER = ox.NamedNode("http://www.w3.org/ns/ldp#Container")

TABLES = {
    "kommune": """PREFIX org: <http://www.w3.org/ns/org#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/> PREFIX geo: <http://www.opengis.net/ont/geosparql#>
PREFIX schema: <http://schema.org/> PREFIX plankg: <https://w3id.org/plankg/def/core/>
SELECT ?uri ?kode ?navn ?regionskode ?dagi_id ?wikidata WHERE {
  ?uri a plankg:Municipality ; org:identifier ?kode ; skos:prefLabel ?navn FILTER(LANG(?navn) = "da")
  OPTIONAL { ?uri dct:identifier ?dagi_id FILTER(DATATYPE(?dagi_id) = plankg:DagiId) }
  OPTIONAL { ?uri schema:sameAs ?wikidata }
  OPTIONAL { ?uri dct:spatial/geo:sfWithin ?t . ?region a plankg:Region ; dct:spatial ?t ; org:identifier ?regionskode }
} ORDER BY ?kode""",
    "region": """PREFIX org: <http://www.w3.org/ns/org#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/> PREFIX schema: <http://schema.org/> PREFIX plankg: <https://w3id.org/plankg/def/core/>
SELECT ?uri ?kode ?navn ?dagi_id ?wikidata WHERE {
  ?uri a plankg:Region ; org:identifier ?kode ; skos:prefLabel ?navn FILTER(LANG(?navn) = "da")
  OPTIONAL { ?uri dct:identifier ?dagi_id FILTER(DATATYPE(?dagi_id) = plankg:DagiId) }
  OPTIONAL { ?uri schema:sameAs ?wikidata }
} ORDER BY ?kode""",
    "samarbejde": """PREFIX org: <http://www.w3.org/ns/org#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX time: <http://www.w3.org/2006/time#>
SELECT DISTINCT ?uri ?navn ?medlem ?kode ?kommune ?fra ?til ?paa_dato WHERE {
  ?uri a org:OrganizationalCollaboration ; skos:prefLabel ?navn FILTER(LANG(?navn) = "da")
  ?membership org:organization ?uri ; org:member ?medlem ; org:memberDuring ?i .
  ?medlem org:identifier ?kode ; skos:prefLabel ?kommune FILTER(LANG(?kommune) = "da")
  OPTIONAL { ?i time:hasBeginning/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?fra }
  OPTIONAL { ?i time:hasEnd/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?til }
  OPTIONAL { ?i time:inside/time:inXSDDate ?paa_dato }
} ORDER BY ?navn ?kode""",
}


def collection_name(iri: str, base: str) -> str | None:
    """The collection's slug when ``iri`` names one (``{base}id/kommune``)."""
    prefix = base + "id/"
    slug = iri[len(prefix) :] if iri.startswith(prefix) else ""
    return slug if slug in COLLECTIONS else None


def collection_quads(store: ox.Store, iri: str, slug: str) -> list[ox.Quad]:
    """The collection's own triples (default graph) and its members' labels (their graphs)."""
    klass, label_da, label_en = COLLECTIONS[slug]
    node = ox.NamedNode(iri)
    members = sorted(
        {
            q.subject
            for q in store.quads_for_pattern(None, TYPE, ox.NamedNode(klass), None)
            if isinstance(q.subject, ox.NamedNode)
        },
        key=lambda n: n.value,
    )
    quads = [
        ox.Quad(node, TYPE, CONTAINER),
        ox.Quad(node, LABEL, ox.Literal(label_da, language="da")),
        ox.Quad(node, LABEL, ox.Literal(label_en, language="en")),
    ]
    quads += [ox.Quad(node, RDFS_MEMBER, member) for member in members]
    for member in members:
        quads += asserted(list(store.quads_for_pattern(member, LABEL, None, None)))
    return quads


def membership_rows(store: ox.Store, cooperation: str | None = None, member: str | None = None) -> list[dict[str, str]]:
    """Memberships with their dates, of one cooperation or of one municipality."""
    bound: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {}
    if cooperation:
        bound[ox.Variable("uri")] = ox.NamedNode(cooperation)
    if member:
        bound[ox.Variable("medlem")] = ox.NamedNode(member)
    solutions = store.query(TABLES["samarbejde"], substitutions=bound)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [{n: solution[n].value for n in names if solution[n] is not None} for solution in solutions]


def collection_csv(store: ox.Store, slug: str, member: str | None = None) -> bytes:
    """The collection as a CSV table (one row per member; for cooperations, per membership).

    With ``member``, only that member's rows: a cooperation's members with their dates.
    """
    bound: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] | None = (
        {ox.Variable("uri"): ox.NamedNode(member)} if member else None
    )
    solutions = store.query(TABLES[slug], substitutions=bound)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    for solution in solutions:
        writer.writerow(["" if solution[n] is None else solution[n].value for n in names])
    return buffer.getvalue().encode("utf-8")
