"""The cooperation tables: the sources (``kilder.csv``), the cooperations and areas (``samarbejder.csv``)
and the municipalities inside a planning area (``omraader.csv``), as RDF in each source's graph.

Each source page becomes ``/id/kilde/{slug}`` with its URL, the quotation the rows rest on (Danish,
verbatim) and, where the page is dated, its date, in its own graph ``/graph/kilde/{slug}``. A
cooperation is an ``org:OrganizationalCollaboration`` classified by a kind of the code list
``samarbejdstype``, described in the graph of its source; what it does for planning
(``plankg:forPlanning``) is quoted from the sources. A planning area designated by law (the Finger
Plan's capital area) is not an organisation: it is a ``plankg:PlanningArea`` (a ``geo:Feature``)
that the municipalities' territories lie within, from the year the law first designated it. The
project's notes are ``plankg:note``s in the project's own graph, in the language they are written
in. Every error names the file and the row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef

from plankg.domain import translations as translation
from plankg.domain.csvfiles import DataError, read_table
from plankg.domain.dataset import Loaded
from plankg.domain.namespaces import (
    DCT,
    GEO,
    GRAPH,
    ORG,
    PLANKG,
    PROV,
    RDF,
    SAMARBEJDSTYPE,
    SCHEMA,
    SKOS,
    TIME,
    municipality,
    source,
    translation_graph,
)
from plankg.domain.namespaces import area as area_iri
from plankg.domain.namespaces import cooperation as cooperation_iri
from plankg.domain.rdf import GraphWriter, text, typed
from plankg.domain.region_lifetimes import precision

FOLDER = Path("samarbejder")
SOURCES = FOLDER / "kilder.csv"
COOPERATIONS = FOLDER / "samarbejder.csv"
AREAS = FOLDER / "omraader.csv"
AREA_KIND = "planlaegningsomraade"
TRANSLATIONS = translation_graph("samarbejder")
NOTES_GRAPH = GRAPH["kilde/plankg"]  # the project's notes are the project's words, in its own graph
_SLUG = re.compile(r"^[a-z0-9-]+$")


@dataclass(frozen=True)
class Source:
    slug: str
    url: str
    title: str
    date: str
    quotation: str

    @property
    def uri(self) -> URIRef:
        return source(self.slug)

    @property
    def graph(self) -> str:
        return str(self.uri).replace("/id/kilde/", "/graph/kilde/")


def load_cooperations(data: Path, kinds: set[str], codes: set[str]) -> Loaded:
    """The quads of the three tables in ``data`` (if there are any); ``kinds`` are the code list's slugs."""
    loaded = Loaded()
    if not (data / SOURCES).exists():
        return loaded
    sources = read_sources(data / SOURCES)
    writers = {s.url: GraphWriter(s.graph) for s in sources.values()}
    translations = GraphWriter(TRANSLATIONS)
    notes = GraphWriter(NOTES_GRAPH)
    tracked = _Tracker(loaded, [*writers.values(), translations, notes])
    for number, described in enumerate(sources.values(), start=2):
        _describe_source(writers[described.url], described)
        tracked.take(f"{data / SOURCES} row {number}")
    areas: set[str] = set()
    path = data / COOPERATIONS
    for number, row in enumerate(read_table(path, ("slug", "navn", "navn_en", "art", "kilde_url")), start=2):
        w = _writer(path, number, row["kilde_url"], writers)
        if row["art"] not in kinds:
            raise DataError(f"row {number}: kind {row['art']!r} (art) is not in the code list samarbejdstype", path)
        if not _SLUG.match(row["slug"] or ""):
            raise DataError(f"row {number}: slug {row['slug']!r} is not a lower-case ASCII slug", path)
        uri = _describe_cooperation(w, translations, row, sources)
        if row.get("note"):
            notes.add(uri, PLANKG.note, text(row["note"], "en"))
        if row["art"] == AREA_KIND:
            areas.add(str(uri))
        tracked.take(f"{path} row {number}")
    translation.describe(translations, "samarbejdernes navne", "the cooperations' names")
    tracked.take(str(path))
    if (data / AREAS).exists():
        _load_areas(data / AREAS, (sources, writers, notes), areas, codes, tracked)
    loaded.files += [p for p in (data / SOURCES, data / COOPERATIONS, data / AREAS) if p.exists()]
    return loaded


class _Tracker:
    """Hands the quads written since the last row to ``loaded``, with the row as their origin."""

    def __init__(self, loaded: Loaded, writers: list[GraphWriter]) -> None:
        self.loaded, self.writers = loaded, writers
        self.seen = [0 for _ in writers]

    def take(self, origin: str) -> None:
        for index, w in enumerate(self.writers):
            self.loaded.add(w.quads[self.seen[index] :], origin)
            self.seen[index] = len(w.quads)


def read_sources(path: Path) -> dict[str, Source]:
    """The source pages, by URL, checked row by row."""
    sources: dict[str, Source] = {}
    for number, row in enumerate(read_table(path, ("slug", "url", "titel", "dato", "citat")), start=2):
        if not _SLUG.match(row["slug"] or ""):
            raise DataError(f"row {number}: slug {row['slug']!r} is not a lower-case ASCII slug", path)
        if not re.match(r"^https?://", row["url"] or "") or row["url"] in sources:
            raise DataError(f"row {number}: url {row['url']!r} is not a new http(s) URL", path)
        if row["dato"] and precision(row["dato"]) is None:
            raise DataError(f"row {number}: dato {row['dato']!r} is not a year, a month or a day", path)
        sources[row["url"]] = Source(row["slug"], row["url"], row["titel"], row["dato"], row["citat"])
    return sources


def _writer(path: Path, number: int, url: str, writers: dict[str, GraphWriter]) -> GraphWriter:
    if url not in writers:
        raise DataError(f"row {number}: source {url!r} (kilde_url) is not listed in {SOURCES}", path)
    return writers[url]


def _describe_source(w: GraphWriter, s: Source) -> None:
    w.add(s.uri, RDF.type, PROV.Entity)
    w.add(s.uri, RDF.type, SCHEMA.WebPage)
    w.label(s.uri, s.title, s.title)
    w.add(s.uri, SCHEMA.url, URIRef(s.url))
    if s.quotation:
        w.add(s.uri, DCT.description, text(s.quotation, "da"))
    if s.date:
        datatype, _ = precision(s.date)  # type: ignore[misc]
        w.add(s.uri, DCT.date, typed(s.date, datatype))


def _describe_cooperation(
    w: GraphWriter, translations: GraphWriter, row: dict[str, str], sources: dict[str, Source]
) -> URIRef:
    kind = SAMARBEJDSTYPE[row["art"]]
    by = sources[row["kilde_url"]].uri
    if row["art"] == AREA_KIND:
        uri = area_iri(row["slug"])
        for klass in (PLANKG.PlanningArea, GEO.Feature, DCT.Location):
            w.add(uri, RDF.type, klass)
        w.add(uri, DCT.type, kind)
    else:
        uri = cooperation_iri(row["slug"])
        w.add(uri, RDF.type, ORG.OrganizationalCollaboration)
        w.add(uri, ORG.classification, kind)
    w.label(uri, row["navn"])
    w.add(uri, DCT.source, by)
    if row.get("navn_en"):  # the project's translation, in the translation graph
        translations.add(uri, SKOS.prefLabel, text(row["navn_en"], "en"))
    if row.get("planlaegning"):
        w.add(uri, PLANKG.forPlanning, text(row["planlaegning"], "da"))
    return uri


def _load_areas(
    path: Path,
    outputs: tuple[dict[str, Source], dict[str, GraphWriter], GraphWriter],
    areas: set[str],
    codes: set[str],
    tracked: _Tracker,
) -> None:
    """Each municipality's territory lies within the area, from the area's beginning (the rows' ``fra``).

    ``outputs`` are the sources by URL, their graphs' writers, and the project's notes graph; the
    area's beginning and each distinct note are written once.
    """
    sources, writers, notes = outputs
    begins: dict[str, str] = {}
    noted: set[tuple[str, str]] = set()
    for number, row in enumerate(read_table(path, ("omraade", "kode", "fra", "kilde_url", "note")), start=2):
        w = _writer(path, number, row["kilde_url"], writers)
        uri = str(area_iri(row["omraade"]))
        if uri not in areas:
            raise DataError(f"row {number}: {row['omraade']!r} (omraade) is not an area of {COOPERATIONS}", path)
        if row["kode"] not in codes:
            raise DataError(f"row {number}: unknown municipality code {row['kode']!r} (kode)", path)
        if row["fra"] and precision(row["fra"]) is None:
            raise DataError(f"row {number}: fra {row['fra']!r} is not a year, a month or a day", path)
        first = uri not in begins
        if begins.setdefault(uri, row["fra"]) != row["fra"]:
            raise DataError(f"row {number}: fra {row['fra']!r} differs from the area's {begins[uri]!r}", path)
        territory = URIRef(f"{municipality(row['kode'])}/omraade")
        w.add(territory, GEO.sfWithin, URIRef(uri))
        if row["note"] and (uri, row["note"]) not in noted:
            noted.add((uri, row["note"]))
            notes.add(URIRef(uri), PLANKG.note, text(row["note"], "en"))
        if row["fra"] and first:
            _area_beginning(w, URIRef(uri), row["fra"], sources[row["kilde_url"]].uri)
        tracked.take(f"{path} row {number}")


def _area_beginning(w: GraphWriter, uri: URIRef, begin: str, by: URIRef) -> None:
    interval = URIRef(f"{uri}/levetid")
    instant = URIRef(f"{interval}/begyndelse")
    datatype, prop = precision(begin)  # type: ignore[misc]
    w.add(uri, PLANKG.lifetime, interval)
    w.add(interval, RDF.type, TIME.Interval)
    w.add(interval, TIME.hasBeginning, instant)
    w.add(instant, RDF.type, TIME.Instant)
    w.add(instant, prop, typed(begin, datatype))
    w.add(instant, DCT.source, by)
