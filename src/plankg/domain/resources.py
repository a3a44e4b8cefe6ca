"""Resource documents: what one URI's document holds (DESIGN §4, W3C "Cool URIs for the Semantic Web").

A document holds the resource's own triples; the nodes that hang from it (its sub-resources by URI
pattern: territory, geometry, posts, memberships, intervals, units…); the incoming links; and the
labels of every resource it mentions — each as a quad, so that the graph says where the fact comes
from. Incoming links are paged (``PAGE_SIZE`` triples a page, each with all its graphs), never cut silently.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from plankg.domain.store import UNION

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
    linked_by: dict[str, int] = field(default_factory=dict)  # links to the resource itself in all, by predicate

    @property
    def past_the_last_page(self) -> bool:
        """A page after the first that holds none of the collection's members or of the links."""
        return self.page > 0 and self.page * PAGE_SIZE >= max(self.incoming_total, self.members_total)

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


def matching(
    store: Any,
    nodes: list[ox.NamedNode],
    position: str,
    predicate: ox.NamedNode | tuple[ox.NamedNode, ...] | None = None,
) -> list[ox.Quad]:
    """Every quad with one of ``nodes`` as subject (or object), and one of the predicates (or any), as asserted:
    a request from a remote store (the named graphs' quads and the union's, per 500 nodes), a lookup a node
    (and predicate) here."""
    if not nodes:
        return []
    batched = getattr(store, "quads_for_nodes", None)
    if batched is not None:
        return asserted(batched(nodes, position, predicate))
    found: list[ox.Quad] = []
    for node in nodes:
        for one in predicate if isinstance(predicate, tuple) else (predicate,):
            pattern = (node, one, None, None) if position == "subject" else (None, one, node, None)
            found += asserted(list(store.quads_for_pattern(*pattern)))
    return found


def describe(store: Any, iri: str, page: int = 0) -> Document | None:
    """The document of ``iri``, or None when the store says nothing about it (or it is not an IRI at all)."""
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return None
    quads = matching(store, [node], "subject")
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
        quads += matching(store, [ox.NamedNode(c) for c in sorted(children)], "subject")
    incoming, linking = _incoming(store, {ox.NamedNode(value) for value in seen}, page)
    if not quads and not incoming:
        return None
    quads += incoming
    quads += _labels(store, quads)
    linked_by = Counter(link.predicate.value for link in linking if link.object == node)
    return Document(iri, list(dict.fromkeys(quads)), len(linking), page, linked_by=dict(linked_by))


def _order(statement: ox.Triple | ox.Quad) -> tuple[str, str, str]:
    return str(statement.subject), statement.predicate.value, str(statement.object)


def _incoming(store: Any, nodes: set[ox.NamedNode], page: int) -> tuple[list[ox.Quad], list[ox.Triple] | list[ox.Quad]]:
    """One page of the triples that link to the document's nodes from outside it (``PAGE_SIZE`` a page, by
    subject, predicate and object), each with every graph that states it; and all of them, in order.

    The embedded store's default graph holds each triple once: the triples are read from it, and only the
    page's triples are then read with their graphs (a municipality linked by 500 memberships, each stated
    in two graphs, no longer makes 2,000 quads for a page of 100). A remote store is asked for every quad
    at once (a request per 500 nodes), as a lookup per triple would be a request per triple.
    """
    ordered = sorted(nodes, key=str)
    if getattr(store, "quads_for_nodes", None) is not None:
        by_triple: dict[ox.Triple, list[ox.Quad]] = {}
        for quad in matching(store, ordered, "object"):
            if quad.subject not in nodes:
                by_triple.setdefault(quad.triple, []).append(quad)
        triples = sorted(by_triple, key=_order)
        shown = triples[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        return [quad for triple in shown for quad in by_triple[triple]], triples
    # the union graph holds each triple once, and the nodes differ: no triple comes twice
    linking = [q for n in ordered for q in store.quads_for_pattern(None, None, n, UNION) if q.subject not in nodes]
    linking.sort(key=_order)
    shown = linking[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    stated = [asserted(list(store.quads_for_pattern(q.subject, q.predicate, q.object, None))) for q in shown]
    return [quad for quads in stated for quad in quads], linking


def _labels(store: Any, quads: list[ox.Quad]) -> list[ox.Quad]:
    """Labels of every IRI the document mentions, with the graphs they come from."""
    mentioned = sorted(
        {t for q in quads for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)}, key=lambda n: n.value
    )
    return matching(store, mentioned, "subject", tuple(ox.NamedNode(p) for p in LABELS))
