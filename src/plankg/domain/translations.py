"""Translation graphs: plankg's own English text, in graphs that say so of themselves.

Every graph under ``/graph/oversaettelse/`` describes itself in itself (``<graph> a prov:Entity``, with
its title, its language and plankg as its author; DESIGN §2: English is marked as the project's
translation). The graphs the build writes (the registry's and the cooperations' English names) get
that description here; a graph read from a file must state it, and validation reports one that does
not (:func:`undescribed`). That is what lets the named query ``translated-text`` find the
translation graphs by their own description, on any engine, instead of reading every statement of
the store to see which graphs exist.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import URIRef

from plankg.domain.namespaces import DCT, EU_AUTHORITY, PLANKG_ORGANISATION, PROV, RDF, translation_graph
from plankg.domain.rdf import GraphWriter, iri, text

#: Where translation graphs live: ``…/graph/oversaettelse/``.
PREFIX = str(translation_graph(""))
_ENGLISH = URIRef(EU_AUTHORITY + "language/ENG")
_TYPE, _ENTITY = iri(RDF.type), iri(PROV.Entity)


def describe(writer: GraphWriter, of_da: str, of_en: str) -> None:
    """The graph's description of itself, written into it when it holds any translation.

    ``of_da`` and ``of_en`` say what is translated (``registrenes navne``, ``the registries' names``).
    """
    if not writer.quads:
        return
    graph = writer.graph
    writer.add(graph, RDF.type, PROV.Entity)
    writer.label(graph, f"plankg's engelske oversættelser af {of_da}", f"plankg's English translations of {of_en}")
    writer.add(graph, DCT.description, text("Oversættelserne er plankg's egne, ikke kildens tekst.", "da"))
    writer.add(graph, DCT.description, text("The translations are plankg's own, not text of the source.", "en"))
    writer.add(graph, DCT.language, _ENGLISH)
    writer.add(graph, PROV.wasAttributedTo, PLANKG_ORGANISATION)


def undescribed(quads: Iterable[ox.Quad]) -> list[str]:
    """The translation graphs among ``quads``'s graphs that do not say in themselves that they are one."""
    graphs: set[ox.NamedNode] = set()
    described: set[ox.NamedNode] = set()
    for quad in quads:
        graph = quad.graph_name
        if isinstance(graph, ox.NamedNode) and graph.value.startswith(PREFIX):
            graphs.add(graph)
            if quad.subject == graph and quad.predicate == _TYPE and quad.object == _ENTITY:
                described.add(graph)
    return sorted(g.value for g in graphs - described)
