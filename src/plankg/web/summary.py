"""What a resource page says first: one sentence on what the thing is, the way up, and its key facts.

The sentence and the key facts are read from the document's quads and the atlas (regions in time,
memberships), never typed in: a municipality's region today, a cooperation's kind and members, a
region's lifetime; each key fact keeps the sources of the quads it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pyoxigraph as ox
from markupsafe import Markup, escape

from plankg.domain.containers import collection_name
from plankg.domain.evidence import state_on
from plankg.domain.geo import Atlas
from plankg.domain.region_lifetimes import first_day
from plankg.domain.resources import Document
from plankg.tables.vocab import CANONICAL_BASE, PREFIXES
from plankg.web.facts import RDF_TYPE, Cell, Labeller, Source, Sources, source_order
from plankg.web.messages import MEMBERSHIP_STATES, REGION_STATES, TEXT, human_date, message, messages

ORG = PREFIXES["org"]
SKOS = "http://www.w3.org/2004/02/skos/core#"
#: A resource's kind on its page, by its types (the first that matches).
KINDS = (
    (PREFIXES["plankg"] + "Municipality", "municipality"),
    (PREFIXES["plankg"] + "Region", "region"),
    (PREFIXES["plankg"] + "PlanningArea", "area"),
    (ORG + "OrganizationalCollaboration", "cooperation"),
    (ORG + "OrganizationalUnit", "unit"),
    (ORG + "Membership", "membership"),
    (SKOS + "ConceptScheme", "scheme"),
    (SKOS + "Concept", "concept"),
    ("http://www.w3.org/2002/07/owl#Ontology", "vocabulary"),
    ("http://www.w3.org/ns/prov#Entity", "source"),
)
SF_WITHIN = PREFIXES["geo"] + "sfWithin"


@dataclass(frozen=True)
class KeyFact:
    """One line of a page's summary: a label, the linked values and the sources they come from."""

    label: str
    values: list[tuple[Cell, str, str]]  # each value, a note on it and its state (a region's lifetime, state today)
    sources: list[Source]
    key: str  # what it is (data-fact in the page): tests compare it with the graph


def objects(found: Document, subject: str, predicate: str) -> list[ox.Quad]:
    return [
        q
        for q in found.quads
        if q.subject.value == subject and q.predicate.value == predicate  # type: ignore[union-attr]
    ]


def object_values(found: Document, subject: str, predicate: str) -> list[str]:
    """The distinct objects of ``subject``'s ``predicate``, in order: a triple said in several graphs
    (sources) is one value."""
    return list(dict.fromkeys(q.object.value for q in objects(found, subject, predicate)))  # type: ignore[union-attr]


def subjects(found: Document, predicate: str, target: str) -> list[ox.Quad]:
    return [q for q in found.quads if q.predicate.value == predicate and q.object.value == target]  # type: ignore[union-attr]


def kind_of(found: Document, base: str) -> str:
    """What the resource is, for its sentence: municipality, cooperation, …, or a collection."""
    if collection_name(found.iri, base) is not None:
        return "collection"
    types = set(object_values(found, found.iri, RDF_TYPE))
    return next((kind for klass, kind in KINDS if klass in types), "other")


def region_entry(atlas: Atlas, region: str, lang: str, today: date, page_of: Any) -> dict[str, str]:
    """A region as a page shows it: name, link, lifetime in words, and its state today."""
    place = atlas.places[region]
    begin, end = place.lifetime
    words = [message(lang, "region_from").format(date=human_date(begin, lang))] if begin else []
    if end:
        words.append(message(lang, "region_until").format(date=human_date(end, lang)))
    state_today = "current" if atlas.lives_on(region, today) else "former"
    if begin and first_day(begin) > today:
        state_today = "future"
    return {
        "name": place.names.get(lang) or place.names.get("da", region),
        "href": page_of(region) or "",
        "life": ", ".join(words),
        "state": state_today,
        "state_text": REGION_STATES[lang][state_today],
    }


def _link(cell: Cell, lang: str) -> Markup:
    if cell.href:
        return Markup('<a href="{}?lang={}">{}</a>').format(cell.href, lang, cell.text)
    return escape(cell.text)


def _links(cells: list[Cell], lang: str) -> Markup:
    return Markup(", ").join(_link(c, lang) for c in cells)


class Summary:
    """The sentence, breadcrumbs and key facts of one resource page."""

    def __init__(self, found: Document, names: Labeller, sources: Sources, atlas: Atlas, today: date) -> None:
        self.found, self.names, self.sources, self.atlas, self.today = found, names, sources, atlas, today
        self.lang = names.lang
        self.kind = kind_of(found, sources.base)

    def title(self) -> str:
        """The page's heading: the label, else (a membership) what it joins, else the IRI."""
        iri = self.found.iri
        if self.names.known(iri) or self.kind != "membership":
            return self.names.label(iri)
        return " – ".join(c.text for c in self._parents()) or iri

    def cell(self, iri: str) -> Cell:
        return self.names.cell(ox.NamedNode(iri))

    def cells(self, iris: list[str]) -> list[Cell]:
        """The cells of ``iris``, their labels read at once (a request for them all from a remote store)."""
        self.names.look_up(ox.NamedNode(iri) for iri in iris)
        return [self.cell(iri) for iri in iris]

    def sentence(self) -> Markup:
        """What the thing is, in one sentence in the page language."""
        iri = self.found.iri
        name = self.names.label(iri)
        sentences = messages(self.lang, "sentence")
        template = Markup(sentences.get(self.kind) or sentences["other"])
        values: dict[str, object] = {"name": name}
        if self.kind == "municipality":
            region = self.atlas.region_on(iri, self.today)
            values["region"] = _link(self.cells([region])[0], self.lang) if region else "–"
        elif self.kind == "region":
            values["life"] = region_entry(self.atlas, iri, self.lang, self.today, self.names.local_href)["life"]
        elif self.kind in ("cooperation", "area"):
            kinds = self.cells(object_values(self.found, iri, ORG + "classification"))
            values["kind"] = _links(kinds, self.lang)
            values["count"] = sum(1 for p in self.atlas.places.values() if iri in p.memberships)
        elif self.kind in ("unit", "membership", "concept"):
            parents = self._parents()
            values["parent"] = _links(parents, self.lang) if parents else "–"
        elif self.kind == "source":
            dates = object_values(self.found, iri, "http://purl.org/dc/terms/date")
            values["date"] = human_date(dates[0], self.lang) if dates else "–"
        types = self.cells(object_values(self.found, iri, RDF_TYPE))
        values["types"] = _links(types, self.lang) if types else "–"
        return template.format(**values)

    def _note(self, iri: str) -> tuple[str, str]:
        """A region's lifetime and its state today; a cooperation's kind and the membership's state today."""
        if iri in self.atlas.cooperations and self.found.iri in self.atlas.places:
            evidence = self.atlas.places[self.found.iri].memberships.get(iri)
            state, documented = state_on(evidence, self.today.isoformat()) if evidence else ("not known", "")
            kind = self.atlas.kind_names.get(self.atlas.kinds.get(iri, ""), {}).get(self.lang, "")
            words = MEMBERSHIP_STATES[self.lang][state] + (
                f" {human_date(documented, self.lang)}" if documented else ""
            )
            return f"{kind}; {words}" if kind else words, state
        place = self.atlas.places.get(iri)
        if place is None or place.kind != "region":
            return "", ""
        entry = region_entry(self.atlas, iri, self.lang, self.today, self.names.local_href)
        return f"{entry['life']}; {entry['state_text']}", entry["state"]

    def _parents(self) -> list[Cell]:
        """What a unit belongs to, what a membership joins, which code list a concept is in."""
        iri = self.found.iri
        if self.kind == "unit":
            found = object_values(self.found, iri, ORG + "subOrganizationOf")
        elif self.kind == "membership":
            found = object_values(self.found, iri, ORG + "member") + object_values(
                self.found, iri, ORG + "organization"
            )
        else:
            found = object_values(self.found, iri, SKOS + "inScheme")
        return self.cells(found)

    def breadcrumbs(self) -> list[Cell]:
        """The way up: the front page, the collection, then every enclosing resource the store names."""
        text, base, iri = TEXT[self.lang], self.sources.base, self.found.iri
        crumbs = [Cell(str(text["home"]), "/")]
        for prefix in ("id/", "def/"):
            for root in (base, CANONICAL_BASE):
                if iri.startswith(root + prefix):
                    segments = iri[len(root + prefix) :].split("/")
                    ways = [root + prefix + "/".join(segments[:depth]) for depth in range(1, len(segments))]
                    self.names.look_up(ox.NamedNode(way) for way in ways if collection_name(way, base) is None)
                    for way in ways:
                        crumbs += self._crumb(way)
                    return crumbs
        return crumbs

    def _crumb(self, iri: str) -> list[Cell]:
        slug = collection_name(iri, self.sources.base)
        if slug is not None:
            return [Cell(messages(self.lang, "collections")[slug], f"/doc/{slug}")]
        return [self.cell(iri)] if self.names.known(iri) else []

    def key_facts(self) -> list[KeyFact]:
        """The facts a visitor looks for first, with their sources."""
        if self.kind == "municipality":
            return self._municipality()
        if self.kind in ("cooperation", "area"):
            return self._cooperation()
        if self.kind == "region":
            return self._region()
        return []

    def _fact(self, key: str, quads: list[ox.Quad], of_subject: bool = False, label: str = "") -> KeyFact | None:
        if not quads:
            return None
        iris = list(dict.fromkeys(q.subject.value if of_subject else q.object.value for q in quads))  # type: ignore[union-attr]
        noted = zip(self.cells(iris), (self._note(iri) for iri in iris), strict=True)
        cells = sorted(((cell, *note) for cell, note in noted), key=lambda v: v[0].text.casefold())
        sources = sorted({s for q in quads for s in self.sources.of(q.graph_name)}, key=source_order)
        return KeyFact(label or messages(self.lang, "key_facts")[key], cells, sources, key)

    def _municipality(self) -> list[KeyFact]:
        iri, place = self.found.iri, self.atlas.places[self.found.iri]
        regions = _places_of(objects(self.found, iri + "/omraade", SF_WITHIN))
        neighbours = _places_of(objects(self.found, iri + "/omraade", PREFIXES["geo"] + "sfTouches"))
        linking = subjects(self.found, ORG + "hasMember", iri)
        cooperations = [q for q in linking if str(q.subject.value) in self.atlas.cooperations]  # type: ignore[union-attr]
        # a member of more cooperations than a page of links holds: the page's, and how many in all
        paged = self.found.page > 0 or self.found.has_next
        count = self.found.linked_by.get(ORG + "hasMember", 0)
        label = messages(self.lang, "key_facts")["cooperations_paged"].format(count=count) if paged else ""
        listed = self._fact("cooperations", cooperations, of_subject=True, label=label)
        if listed is None and paged:  # none among this page's links: the count still says how many
            listed = KeyFact(label, [], [], "cooperations")
        facts = [
            self._fact("regions", [q for q in regions if q.object.value in place.regions]),  # type: ignore[union-attr]
            listed,
            self._fact("neighbours", neighbours),
        ]
        return [f for f in facts if f is not None]

    def _cooperation(self) -> list[KeyFact]:
        iri = self.found.iri
        facts = [
            self._fact("kind", objects(self.found, iri, ORG + "classification")),
            self._fact("bodies", subjects(self.found, ORG + "subOrganizationOf", iri), of_subject=True),
        ]
        return [f for f in facts if f is not None]

    def _region(self) -> list[KeyFact]:
        iri = self.found.iri
        today = [
            p.uri
            for p in sorted(self.atlas.places.values(), key=lambda p: p.names.get(self.lang) or p.uri)
            if p.kind == "municipality" and self.atlas.region_on(p.uri, self.today) == iri
        ]
        if not today:
            return []
        label = messages(self.lang, "key_facts")["municipalities_today"].format(count=len(today))
        return [KeyFact(label, [(cell, "", "") for cell in self.cells(today)], [], "municipalities_today")]

    def planning(self) -> list[tuple[Cell, list[Source]]]:
        """What a cooperation does for planning, quoted, with its sources."""
        quads = objects(self.found, self.found.iri, PREFIXES["plankg"] + "forPlanning")
        return [(self.names.cell(q.object), self.sources.of(q.graph_name)) for q in quads]


def _places_of(quads: list[ox.Quad]) -> list[ox.Quad]:
    """Territory links (``…/omraade sfWithin …/omraade``) read as links between the places themselves."""
    return [
        ox.Quad(q.subject, q.predicate, ox.NamedNode(q.object.value.removesuffix("/omraade")), q.graph_name)  # type: ignore[union-attr]
        for q in quads
    ]
