"""Resource documents: what one URI's document holds (DESIGN §4, W3C "Cool URIs for the Semantic Web").

A document holds the resource's own triples; the nodes that hang from it (its sub-resources by URI
pattern: territory, geometry, posts, memberships, intervals, units…); the incoming links; and the
labels of every resource it mentions — each as a quad, so that the graph says where the fact comes
from. Incoming links are paged (``PAGE_SIZE`` a page), never cut silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

PAGE_SIZE = 100
LABELS = ("http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2000/01/rdf-schema#label")
#: How deep sub-resources are followed (kommune → omraade → geometri; samarbejde → medlemskab → periode → instant).
DEPTH = 4


@dataclass(frozen=True)
class Document:
    """The quads of one resource document, and how many incoming links (or a collection's members) there are in all."""

    iri: str
    quads: list[ox.Quad]
    incoming_total: int
    page: int
    members_total: int = 0  # a collection's members in all; a page of the document holds PAGE_SIZE of them

    @property
    def past_the_last_member(self) -> bool:
        """A collection's page after the first that holds none of its members."""
        return self.page > 0 and self.page * PAGE_SIZE >= self.members_total

    @property
    def has_next(self) -> bool:
        return max(self.incoming_total, self.members_total) > (self.page + 1) * PAGE_SIZE


def asserted(quads: list[ox.Quad]) -> list[ox.Quad]:
    """The quads as the data assert them.

    The served default graph also holds the union of the named graphs, so a default-graph quad
    counts only when no named graph holds the same triple (data loaded from a triple format).
    """
    named = {q.triple for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)}  # hashed by the engine
    return [q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph) or q.triple not in named]


def _matching(
    store: Any, nodes: list[ox.NamedNode], position: str, predicate: ox.NamedNode | None = None
) -> list[ox.Quad]:
    """Every quad with one of ``nodes`` as subject (or object): one request to a remote store, a loop here."""
    if not nodes:
        return []
    batched = getattr(store, "quads_for_nodes", None)
    if batched is not None:
        return asserted(batched(nodes, position, predicate))
    found: list[ox.Quad] = []
    for node in nodes:
        pattern = (node, predicate, None, None) if position == "subject" else (None, predicate, node, None)
        found += asserted(list(store.quads_for_pattern(*pattern)))
    return found


def describe(store: Any, iri: str, page: int = 0) -> Document | None:
    """The document of ``iri``, or None when the store says nothing about it (or it is not an IRI at all)."""
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return None
    quads = _matching(store, [node], "subject")
    seen = {iri}
    for _ in range(DEPTH):
        children = {
            q.object.value
            for q in quads
            if isinstance(q.object, ox.NamedNode)
            and q.object.value.startswith(iri + "/")
            and q.object.value not in seen
        }
        if not children:
            break
        seen.update(children)
        quads += _matching(store, [ox.NamedNode(c) for c in sorted(children)], "subject")
    seen_nodes = {ox.NamedNode(value) for value in seen}
    incoming = [q for q in _matching(store, sorted(seen_nodes, key=str), "object") if q.subject not in seen_nodes]
    incoming_total = len(incoming)
    incoming = sorted(incoming, key=lambda q: (str(q.subject), q.predicate.value, str(q.graph_name)))
    incoming = incoming[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    if not quads and not incoming:
        return None
    quads += incoming
    quads += _labels(store, quads)
    return Document(iri, list(dict.fromkeys(quads)), incoming_total, page)


def _labels(store: Any, quads: list[ox.Quad]) -> list[ox.Quad]:
    """Labels of every IRI the document mentions, with the graphs they come from."""
    mentioned = sorted(
        {t for q in quads for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)}, key=lambda n: n.value
    )
    labels = []
    for predicate in LABELS:
        labels += _matching(store, mentioned, "subject", ox.NamedNode(predicate))
    return labels
