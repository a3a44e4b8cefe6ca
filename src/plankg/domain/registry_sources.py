"""The registry's sources: the snapshots, checks, laws and pages ``sources.csv`` lists, and the fixed ones.

Each source's facts live in a graph of their own (``/graph/register/{slug}``), with the source
described there: titles, citation, licence, origin, date and, for a law or a web page, its URL and
the quotation it is used for (Danish, verbatim).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef

from plankg.domain.csvfiles import DataError, read_table
from plankg.domain.namespaces import DCT, PROV, RDF, SCHEMA, XSD, register_graph, source
from plankg.domain.rdf import GraphWriter, text, typed
from plankg.tables.vocab import DATASET as DATASET_IRI

CC_BY = URIRef("http://creativecommons.org/licenses/by/4.0/")
CC0 = URIRef("http://creativecommons.org/publicdomain/zero/1.0/")


@dataclass(frozen=True)
class RegistrySource:
    """A registry source: its slug, what it is, and how to credit it."""

    slug: str
    title_da: str
    title_en: str
    citation: str
    licence: URIRef | None
    upstream: str
    date: str | None = None  # when the snapshot was taken or the check made
    kind: str = "fixed"
    quotation: str = ""  # what the source says, verbatim (Danish), for laws and web pages

    @property
    def uri(self) -> URIRef:
        return source(self.slug)

    @property
    def graph(self) -> URIRef:
        return register_graph(self.slug)


BOUNDARIES = RegistrySource(
    "dagi-kommunegraenser-2014",
    "DAGI kommuneinddeling 1:500 000, februar 2014, forenklet",
    "DAGI municipal boundaries 1:500,000, February 2014, simplified",
    "Indeholder data fra Geodatastyrelsen (nu Klimadatastyrelsen), DAGI kommuneinddeling "
    "1:500 000, februar 2014; forenklet.",
    CC_BY,
    "https://github.com/Neogeografen/dagi",
)
POST_RULE = RegistrySource(
    "plankg-kommunale-stillinger",
    "plankg's modelregel: hver kommune har en borgmester- og en kommunaldirektørstilling",
    "plankg's modelling rule: every municipality has a mayor's and a municipal director's post",
    "plankg.",
    CC_BY,
    DATASET_IRI,
)
#: Sources fixed by the project; registry snapshots and checks are listed in ``sources.csv``.
FIXED_SOURCES = (BOUNDARIES, POST_RULE)
SOURCE_COLUMNS = ("slug", "kind", "title_da", "title_en", "citation", "licence", "upstream", "date")
SOURCE_KINDS = ("dawa", "wikidata", "wikidata-check", "law", "web")


def read_sources(path: Path) -> dict[str, RegistrySource]:
    """The registry snapshots and checks, by slug."""
    sources = {}
    for number, row in enumerate(read_table(path, SOURCE_COLUMNS), start=2):
        row = {**row, "citat": row.get("citat") or ""}
        if row["kind"] not in SOURCE_KINDS:
            raise DataError(f"row {number}: kind {row['kind']!r} is not one of {', '.join(SOURCE_KINDS)}", path)
        if not re.match(r"^[a-z0-9-]+$", row["slug"] or "") or row["slug"] in sources:
            raise DataError(f"row {number}: slug {row['slug']!r} is not a new lower-case slug", path)
        if not re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", row["date"] or ""):
            raise DataError(f"row {number}: date {row['date']!r} is not YYYY-MM-DD", path)
        sources[row["slug"]] = RegistrySource(
            row["slug"],
            row["title_da"],
            row["title_en"],
            row["citation"],
            URIRef(row["licence"]) if row["licence"] else None,
            row["upstream"],
            row["date"],
            row["kind"],
            row["citat"],
        )
    return sources


def describe_source(w: GraphWriter, s: RegistrySource) -> None:
    w.add(s.uri, RDF.type, PROV.Entity)
    w.add(s.uri, DCT.title, text(s.title_da, "da"))
    w.add(s.uri, DCT.title, text(s.title_en, "en"))
    w.label(s.uri, s.title_da, s.title_en)
    if s.licence:
        w.add(s.uri, DCT.license, s.licence)
    w.add(s.uri, DCT.bibliographicCitation, text(s.citation))
    w.add(s.uri, DCT.source, URIRef(s.upstream))
    if s.kind in ("law", "web"):
        w.add(s.uri, RDF.type, SCHEMA.WebPage)
        w.add(s.uri, SCHEMA.url, URIRef(s.upstream))
    if s.quotation:
        w.add(s.uri, DCT.description, text(s.quotation, "da"))
    if s.date:
        w.add(s.uri, DCT.date, typed(s.date, XSD.date))
