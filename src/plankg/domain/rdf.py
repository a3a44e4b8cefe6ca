"""Small helpers to make pyoxigraph terms and quads from Python values."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from plankg.tables.vocab import PREFIXES

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Subject = ox.NamedNode | ox.BlankNode


def iri(value: str | URIRef) -> ox.NamedNode:
    """A pyoxigraph IRI."""
    return ox.NamedNode(str(value))


def text(value: str, lang: str | None = None) -> ox.Literal:
    """A plain or language-tagged literal."""
    return ox.Literal(value, language=lang) if lang else ox.Literal(value)


def typed(value: str, datatype: str | URIRef) -> ox.Literal:
    """A typed literal."""
    return ox.Literal(value, datatype=iri(datatype))


class GraphWriter:
    """Collects the quads of one named graph."""

    def __init__(self, graph: str | URIRef) -> None:
        self.graph = iri(graph)
        self.quads: list[ox.Quad] = []

    def add(self, subject: Subject | URIRef, predicate: URIRef, obj: Term | URIRef) -> None:
        """Add one triple to the graph."""
        s = iri(subject) if isinstance(subject, URIRef) else subject
        o = iri(obj) if isinstance(obj, URIRef) else obj
        self.quads.append(ox.Quad(s, iri(predicate), o, self.graph))

    def label(self, subject: Subject | URIRef, da: str, en: str | None = None) -> None:
        """Add Danish (and English) ``skos:prefLabel``s."""
        self.add(subject, URIRef(PREFIXES["skos"] + "prefLabel"), text(da, "da"))
        if en is not None:
            self.add(subject, URIRef(PREFIXES["skos"] + "prefLabel"), text(en, "en"))


def sorted_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """Quads in a stable order: by graph, subject, predicate, object."""
    return sorted(quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))


def to_trig(quads: Iterable[ox.Quad]) -> bytes:
    """TriG with plankg's prefixes, in a stable order (so diffs are reviewable)."""
    body = ox.serialize(sorted_quads(quads), format=ox.RdfFormat.TRIG, prefixes=PREFIXES) or b""
    lines = body.decode("utf-8").splitlines(keepends=True)
    # pyoxigraph writes the prefixes in hash order; sort them so that output is reproducible.
    prefixes = sorted(line for line in lines if line.startswith("@prefix"))
    rest = [line for line in lines if not line.startswith("@prefix")]
    return "".join(prefixes + rest).encode("utf-8")


def to_jsonld(quads: Iterable[ox.Quad], context: dict[str, object]) -> bytes:
    """Compact JSON-LD with the context embedded, named graphs kept (rdflib's serialiser)."""
    from rdflib import Dataset

    dataset = Dataset()
    for quad in quads:
        graph_name = quad.graph_name
        target = dataset.graph(URIRef(graph_name.value)) if isinstance(graph_name, ox.NamedNode) else dataset.graph()
        target.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))  # type: ignore[arg-type]
    with warnings.catch_warnings():
        # rdflib 7's own JSON-LD serialiser calls its deprecated Dataset.contexts and default_context.
        warnings.filterwarnings("ignore", r"Dataset\.(contexts|default_context) is deprecated", DeprecationWarning)
        text = dataset.serialize(format="json-ld", context=context, auto_compact=True, indent=1)
    # rdflib writes graphs and values in hash order; sort them (never an @list) so builds are reproducible.
    return json.dumps(_ordered(json.loads(text)), ensure_ascii=False, indent=1).encode("utf-8")


def _ordered(value: object, key: str = "") -> object:
    if isinstance(value, dict):
        return {k: _ordered(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_ordered(v) for v in value]
        return items if key == "@list" else sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    return value


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """The rdflib term for a pyoxigraph term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype in (_XSD_STRING, _LANG_STRING):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(datatype))


def to_rdflib_graph(quads: Iterable[ox.Quad]) -> Graph:
    """The union of ``quads`` as one rdflib Graph (what pyshacl validates; DESIGN §6)."""
    graph = Graph()
    for quad in quads:
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))  # type: ignore[arg-type]
    return graph
