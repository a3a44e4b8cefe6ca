"""The collections ``/id/kommune``, ``/id/region``, ``/id/samarbejde``: lists, also as CSV tables.

A collection's membership is derived from the data (every resource of the class), so its own
triples are in the document's default graph; each member's label keeps its source graph.
"""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox

from plankg.domain.resources import PAGE_SIZE, Document, matching
from plankg.domain.store import UNION, ReadStore
from plankg.tables.queries import internal
from plankg.tables.vocab import PREFIXES

COLLECTIONS = {
    "kommune": (PREFIXES["plankg"] + "Municipality", "Kommuner", "Municipalities"),
    "region": (PREFIXES["plankg"] + "Region", "Regioner", "Regions"),
    "samarbejde": ("http://www.w3.org/ns/org#OrganizationalCollaboration", "Samarbejder", "Cooperations"),
}
RDFS_MEMBER = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#member")
LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
CONTAINER = ox.NamedNode("http://www.w3.org/ns/ldp#Container")

#: The internal query behind each collection's table (CSV).
TABLES = {slug: f"collection-{slug}" for slug in ("kommune", "region", "samarbejde")}


def collection_name(iri: str, base: str) -> str | None:
    """The collection's slug when ``iri`` names one (``{base}id/kommune``)."""
    prefix = base + "id/"
    slug = iri[len(prefix) :] if iri.startswith(prefix) else ""
    return slug if slug in COLLECTIONS else None


def collection_members(store: ReadStore, slug: str) -> list[ox.NamedNode]:
    """Every member of the collection (every resource of its class), in IRI order.

    Read from the served default graph, the union of the named graphs: each member's type once, not
    once more for every graph that states it (at 1M a third of the time).
    """
    klass = ox.NamedNode(COLLECTIONS[slug][0])
    typed = store.quads_for_pattern(None, TYPE, klass, UNION)
    found = {q.subject for q in typed if isinstance(q.subject, ox.NamedNode)}
    return sorted(found, key=lambda n: n.value)


def collection_document(store: ReadStore, iri: str, slug: str, members: list[ox.NamedNode], page: int = 0) -> Document:
    """One page of the collection: its own triples (default graph), ``PAGE_SIZE`` of its ``members`` (all of
    them, in IRI order: :func:`collection_members`) and their labels (their graphs); how many there are."""
    _, label_da, label_en = COLLECTIONS[slug]
    node = ox.NamedNode(iri)
    quads = [
        ox.Quad(node, TYPE, CONTAINER),
        ox.Quad(node, LABEL, ox.Literal(label_da, language="da")),
        ox.Quad(node, LABEL, ox.Literal(label_en, language="en")),
    ]
    shown = members[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    quads += [ox.Quad(node, RDFS_MEMBER, member) for member in shown]
    quads += matching(store, shown, "subject", LABEL)  # one request for them all from a remote store
    return Document(iri, quads, 0, page, members_total=len(members))


def collection_csv(store: ReadStore, slug: str, member: str | None = None) -> bytes:
    """The collection as a CSV table (one row per member; for cooperations, per membership).

    With ``member``, only that member's rows: a cooperation's members with their dates.
    """
    bound: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] | None = (
        {ox.Variable("uri"): ox.NamedNode(member)} if member else None
    )
    solutions = store.query(internal(TABLES[slug]), substitutions=bound)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    for solution in solutions:
        writer.writerow(["" if solution[n] is None else solution[n].value for n in names])
    return buffer.getvalue().encode("utf-8")
