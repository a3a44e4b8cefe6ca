"""A resource's facts as people read them (issue "Pages for people").

The quads of a document are grouped per property (and, for its parts, per part), with human
labels in the page language; a value that several graphs assert is shown once, with each graph's
source beside it (a linked title and its date); dates are written at the precision they are given
in. Labels come from the document, then from plankg's vocabulary, then from the shipped labels of
the reused vocabularies (``ontology/vocabulary-labels.csv``), and only then a prefixed name.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from plankg.domain.csvfiles import read_table
from plankg.domain.resources import LABELS
from plankg.tables.project import ontology_dir
from plankg.tables.vocab import PREFIXES
from plankg.web.messages import human_date

LONG_LITERAL = 400
SHOWN_OF_LONG = 160
XSD = "http://www.w3.org/2001/XMLSchema#"
DATES = {XSD + "date", XSD + "gYear", XSD + "gYearMonth"}
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCT_DATE = ox.NamedNode("http://purl.org/dc/terms/date")
DERIVED_FROM = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")


@dataclass(frozen=True)
class Cell:
    """A value as shown: its text, an on-server link (if any), a language tag, the IRI it names."""

    text: str
    href: str | None = None
    lang: str | None = None
    length: int = 0  # the full length, when the text is shortened
    iri: str = ""


@dataclass(frozen=True)
class Source:
    """Where a value comes from: the source's title, its page, and its date as people write it."""

    title: str
    href: str | None
    date: str


def source_order(source: Source) -> tuple[str, str, str]:
    """Sources by title, whatever order the store gives the graphs in."""
    return source.title.casefold(), source.date, source.href or ""


@dataclass
class Value:
    cell: Cell
    sources: list[Source] = field(default_factory=list)


@dataclass
class Fact:
    """One property of one subject, with all its values."""

    predicate: Cell
    values: list[Value] = field(default_factory=list)
    #: The values by cell, so that adding one looks it up instead of scanning them (a collection lists 500).
    by_cell: dict[Cell, Value] = field(default_factory=dict, repr=False, compare=False)


@dataclass
class Group:
    """The facts about one subject: the resource itself, one of its parts, or one resource linking to it."""

    subject: Cell
    facts: list[Fact] = field(default_factory=list)


@functools.cache
def vocabulary_labels() -> dict[str, dict[str, str]]:
    """The reused vocabularies' labels as shipped (English from the vocabularies, Danish plankg's translation)."""
    rows = read_table(ontology_dir() / "vocabulary-labels.csv", ("iri", "en", "da"))
    return {row["iri"]: {"en": row["en"], "da": row["da"]} for row in rows}


def compact(iri: str) -> str:
    """A prefixed name where one fits."""
    for prefix, namespace in PREFIXES.items():
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and local and "/" not in local:
            return f"{prefix}:{local}"
    return iri


def _labels_of(quads: Iterable[ox.Quad]) -> dict[str, dict[str | None, str]]:
    """Each subject's labels by language among ``quads``: a preferred label before rdfs:label, whatever order
    the quads come in."""
    labelled = [q for q in quads if q.predicate.value in LABELS and isinstance(q.object, ox.Literal)]
    found: dict[str, dict[str | None, str]] = defaultdict(dict)
    for predicate in LABELS:
        for q in labelled:
            if q.predicate.value == predicate and isinstance(q.subject, (ox.NamedNode, ox.BlankNode)):
                found[q.subject.value].setdefault(q.object.language, q.object.value)  # type: ignore[union-attr]
    return found


class Labeller:
    """Labels in the page's language and on-server links, for the terms of one document."""

    def __init__(self, quads: list[ox.Quad], lang: str, store: Any, local_href: Any) -> None:
        self.lang = lang
        self.store = store
        self.local_href = local_href
        self.labels: dict[str, dict[str | None, str]] = _labels_of(quads)

    def look_up(self, terms: Iterable[object]) -> None:
        """Read at once the labels of the IRIs among ``terms`` that have none yet, where the store answers many
        nodes in one request (a remote store: a request a term made a page over Virtuoso take seconds); the
        embedded store is asked term by term, when a label is wanted."""
        batched = getattr(self.store, "quads_for_nodes", None)
        if batched is None:
            return
        missing = sorted({t.value for t in terms if isinstance(t, ox.NamedNode)} - set(self.labels))
        if not missing:
            return
        nodes = [ox.NamedNode(iri) for iri in missing]
        self.learn(missing, batched(nodes, "subject", tuple(ox.NamedNode(p) for p in LABELS), union_only=True))

    def learn(self, iris: Iterable[str], quads: list[ox.Quad]) -> None:
        """The labels of ``iris`` that have none yet, from ``quads`` read for them (as ``_vocabulary`` reads
        them from the store), then the shipped table's."""
        found = _labels_of(quads)
        for iri in [iri for iri in iris if iri not in self.labels]:
            labels = dict(found.get(iri, {}))
            labels.update({k: v for k, v in vocabulary_labels().get(iri, {}).items() if k not in labels})
            self.labels[iri] = labels

    def _vocabulary(self, iri: str) -> dict[str | None, str]:
        """A term's labels from the store (plankg's own vocabulary) or the shipped table."""
        if iri not in self.labels:
            found: dict[str | None, str] = {}
            if iri.startswith("http"):
                for predicate in LABELS:
                    for q in self.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(predicate), None, None):
                        if isinstance(q.object, ox.Literal):
                            found.setdefault(q.object.language, q.object.value)
            found.update({k: v for k, v in vocabulary_labels().get(iri, {}).items() if k not in found})
            self.labels[iri] = found
        return self.labels[iri]

    def known(self, iri: str) -> bool:
        """Whether the term has a label (in the document, the store or the shipped table)."""
        return bool(self.labels.get(iri) or self._vocabulary(iri))

    def label(self, iri: str) -> str:
        found = self.labels.get(iri) or self._vocabulary(iri)
        for lang in (self.lang, "da", "en", None):
            if lang in found:
                return found[lang]
        return compact(iri)

    def cell(self, term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Cell:
        if isinstance(term, ox.Literal):
            if len(term.value) > LONG_LITERAL:  # geometries: the page shows the start, the formats all of it
                return Cell(term.value[:SHOWN_OF_LONG] + " …", lang=term.language, length=len(term.value))
            if term.datatype.value in DATES:
                return Cell(human_date(term.value, self.lang))
            return Cell(term.value, lang=term.language)
        if isinstance(term, ox.NamedNode):
            return Cell(self.label(term.value), href=self.local_href(term.value), iri=term.value)
        return Cell(str(term))


class Sources:
    """The source of each named graph, as a linked title with its date (looked up once per graph)."""

    def __init__(self, base: str, names: Labeller) -> None:
        self.base = base
        self.names = names
        self.found: dict[str, list[Source]] = {}
        self.described: dict[str, list[ox.Quad]] = {}  # what the store says of a candidate, read ahead (look_up)

    def of(self, graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> list[Source]:
        if not isinstance(graph, ox.NamedNode):
            return []
        if graph.value not in self.found:
            self.found[graph.value] = self._look_up(graph.value)
        return self.found[graph.value]

    def look_up(self, graphs: Iterable[object]) -> None:
        """Read at once what describes the sources of the named graphs among ``graphs``, with their labels, where
        the store answers many nodes in one request (a remote store: two requests a source made a page over
        Virtuoso slow); the embedded store is asked source by source, when one is wanted."""
        batched = getattr(self.names.store, "quads_for_nodes", None)
        if batched is None:
            return
        wanted = {g.value for g in graphs if isinstance(g, ox.NamedNode)} - set(self.found)
        candidates = sorted({c for graph in wanted for c in self._candidates(graph)} - set(self.described))
        if not candidates:
            return
        quads = batched([ox.NamedNode(c) for c in candidates], "subject", union_only=True)
        self.described.update({c: [] for c in candidates})
        for q in quads:
            self.described[q.subject.value].append(q)
        self.names.learn(candidates, quads)

    def _described(self, iri: str) -> Source | None:
        """A source, graph or vocabulary the store describes: its title (label), page and date."""
        described = self.described.get(iri)
        if described is None:
            described = list(self.names.store.quads_for_pattern(ox.NamedNode(iri), None, None, None))  # one lookup
        if not described:
            return None
        dates = [q.object.value for q in described if q.predicate == DCT_DATE and isinstance(q.object, ox.Literal)]
        title = self.names.label(iri)
        derived = [
            q.object.value for q in described if q.predicate == DERIVED_FROM and isinstance(q.object, ox.NamedNode)
        ]
        href = self.names.local_href(derived[0] if derived and iri.startswith(self.base + "graph/") else iri)
        return Source(title, href, human_date(dates[0], self.names.lang) if dates else "")

    def _candidates(self, graph: str) -> list[str]:
        """What may describe a graph's source, in order: the graph itself (translations), else
        ``/graph/{kilde,register}/x`` → ``/id/kilde/x``, ``/id/organisation/x``."""
        found = [graph]
        for kind in ("kilde", "register"):
            prefix = f"{self.base}graph/{kind}/"
            if graph.startswith(prefix):
                slug = graph.removeprefix(prefix)
                found += [f"{self.base}id/kilde/{slug}", f"{self.base}id/organisation/{slug}"]
        return found

    def _look_up(self, graph: str) -> list[Source]:
        """The first of the graph's candidates the store describes, else the graph's prefixed name."""
        for candidate in self._candidates(graph):
            found = self._described(candidate)
            if found is not None:
                return [found]
        return [Source(compact(graph), None, "")]


def _where(q: ox.Quad, iri: str) -> str:
    """Where a quad goes on the page: the resource's own facts, its parts, or links to it."""
    subject = q.subject.value if isinstance(q.subject, (ox.NamedNode, ox.BlankNode)) else ""
    target = q.object.value if isinstance(q.object, ox.NamedNode) else ""
    if subject == iri:
        return "facts"
    inside = subject.startswith(iri + "/")
    if not inside and (target == iri or target.startswith(iri + "/")):
        return "incoming"
    return "parts"


def _add(
    groups: dict[str, Group], key: str, subject: Cell, predicate: Cell, value: Cell, sources: list[Source]
) -> None:
    group = groups.setdefault(key, Group(subject))
    fact = next((f for f in group.facts if f.predicate == predicate), None)
    if fact is None:
        fact = Fact(predicate)
        group.facts.append(fact)
    held = fact.by_cell.get(value)
    if held is None:
        fact.by_cell[value] = held = Value(value, list(sources))
        fact.values.append(held)
    else:
        held.sources += [s for s in sources if s not in held.sources]


def grouped_facts(quads: list[ox.Quad], iri: str, names: Labeller, sources: Sources) -> dict[str, list[Group]]:
    """The document's quads as groups of facts: own facts, parts (per part), incoming (per property)."""
    sections: dict[str, dict[str, Group]] = {"facts": {}, "parts": {}, "incoming": {}}
    for q in quads:
        where = _where(q, iri)
        if q.predicate.value in LABELS and where != "facts":
            continue  # labels of mentioned resources are link texts, not listed
        predicate = names.cell(q.predicate)
        subject = names.cell(q.subject)
        if where == "incoming":  # "Trekantområdet has member ←": the linking resources are the values
            _add(sections[where], q.predicate.value, predicate, predicate, subject, sources.of(q.graph_name))
        else:
            _add(sections[where], str(q.subject), subject, predicate, names.cell(q.object), sources.of(q.graph_name))
    return {key: _sorted(groups) for key, groups in sections.items()}


def _sorted(groups: dict[str, Group]) -> list[Group]:
    """Types first, then properties by label; values by text; parts by their label."""
    for group in groups.values():
        group.facts.sort(key=lambda f: (f.predicate.iri != RDF_TYPE, f.predicate.text.casefold()))
        for fact in group.facts:
            fact.values.sort(key=lambda v: v.cell.text.casefold())
            for value in fact.values:
                value.sources.sort(key=source_order)
    return sorted(groups.values(), key=lambda g: g.subject.text.casefold())
