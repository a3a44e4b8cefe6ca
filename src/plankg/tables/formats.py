"""The one format registry, and content negotiation as a pure function.

A single table maps name ↔ file extension ↔ media type ↔ serialiser, for RDF graphs and
datasets and for SPARQL results. :func:`choose_format` decides with precedence
extension > ``format`` parameter > ``Accept`` (RFC 9110 §12.5.1, parsed by werkzeug).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header


@dataclass(frozen=True)
class Format:
    """One serialisation: its short name, extension, media types and the engine's format."""

    name: str
    extension: str
    media_type: str
    aliases: tuple[str, ...]
    rdf: ox.RdfFormat | None = None
    results: ox.QueryResultsFormat | None = None
    datasets: bool = False

    @property
    def content_type(self) -> str:
        """The Content-Type header value (text types say their charset)."""
        text = self.media_type.startswith("text/") or self.media_type.endswith(("+json", "+xml", "/json"))
        return f"{self.media_type}; charset=utf-8" if text else self.media_type


#: SPARQL SELECT/ASK result formats (SPARQL 1.1 Query Results JSON, XML, CSV/TSV).
RESULT_FORMATS = (
    Format("json", "srj", "application/sparql-results+json", ("application/json",), results=ox.QueryResultsFormat.JSON),
    Format(
        "xml",
        "srx",
        "application/sparql-results+xml",
        ("application/xml", "text/xml"),
        results=ox.QueryResultsFormat.XML,
    ),
    Format("csv", "csv", "text/csv", (), results=ox.QueryResultsFormat.CSV),
    Format("tsv", "tsv", "text/tab-separated-values", (), results=ox.QueryResultsFormat.TSV),
)

#: RDF formats; ``datasets`` marks those that keep named graphs.
RDF_FORMATS = (
    Format("turtle", "ttl", "text/turtle", ("application/x-turtle",), rdf=ox.RdfFormat.TURTLE),
    Format("jsonld", "jsonld", "application/ld+json", ("application/json",), rdf=ox.RdfFormat.JSON_LD, datasets=True),
    Format("rdfxml", "rdf", "application/rdf+xml", ("application/xml", "text/xml"), rdf=ox.RdfFormat.RDF_XML),
    Format("ntriples", "nt", "application/n-triples", ("text/plain",), rdf=ox.RdfFormat.N_TRIPLES),
    Format("trig", "trig", "application/trig", (), rdf=ox.RdfFormat.TRIG, datasets=True),
    Format("nquads", "nq", "application/n-quads", (), rdf=ox.RdfFormat.N_QUADS, datasets=True),
)

HTML = Format("html", "html", "text/html", ("application/xhtml+xml",))
#: GeoJSON (RFC 7946) of territories: offered for places, cooperations and the place collections.
GEOJSON = Format("geojson", "geojson", "application/geo+json", ("application/vnd.geo+json",))
TABLE = Format("table", "csv", "text/csv", ())

#: What each kind of answer can be given as, in order of preference when the client does not say.
FAMILIES: dict[str, tuple[Format, ...]] = {
    "results": RESULT_FORMATS,
    "graph": RDF_FORMATS,
    "dataset": (RDF_FORMATS[4], RDF_FORMATS[5], RDF_FORMATS[1], *RDF_FORMATS[:1], *RDF_FORMATS[2:4]),
    "page": (HTML, *RDF_FORMATS),
    "place": (HTML, *RDF_FORMATS, GEOJSON),
    "collection": (HTML, *RDF_FORMATS, TABLE),
    "place-collection": (HTML, *RDF_FORMATS, TABLE, GEOJSON),
    "results-page": (*RESULT_FORMATS, HTML),
}


class NotAcceptable(Exception):
    """No offered format satisfies the request; ``offered`` lists what there is."""

    def __init__(self, offered: tuple[Format, ...], asked: str) -> None:
        self.offered = offered
        names = ", ".join(f"{f.media_type} (.{f.extension}, format={f.name})" for f in offered)
        super().__init__(f"cannot answer with {asked}; offered: {names}")


def by_name(family: str, name: str) -> Format | None:
    """The format of ``family`` with short name, extension or media type ``name``."""
    name = name.strip().lower()
    folded = name.replace("-", "").replace("_", "")  # json-ld, n-triples, N_QUADS
    for candidate in FAMILIES[family]:
        if name in (candidate.media_type, *candidate.aliases) or folded in (candidate.name, candidate.extension):
            return candidate
    return None


def choose_format(extension: str | None, format_param: str | None, accept: str | None, family: str) -> Format:
    """Pick the answer's format: extension > ``format`` parameter > Accept; the family's first by default."""
    offered = FAMILIES[family]
    for explicit, what in ((extension, "extension"), (format_param, "format")):
        if explicit:
            chosen = by_name(family, explicit)
            if chosen is None and what == "format" and "/" in explicit:
                return choose_format(None, None, explicit, family)  # a list of media types, as SPARQLWrapper sends
            if chosen is None:
                raise NotAcceptable(offered, f"{what} {explicit!r}")
            return chosen
    if not accept or not accept.strip():
        return offered[0]
    # Media-type parameters (charset, profile) do not change the choice; werkzeug would not match them.
    raw = parse_accept_header(accept, MIMEAccept)
    parsed = MIMEAccept([(value.split(";", 1)[0].strip().lower(), quality) for value, quality in raw])
    scored = [(_score(parsed, candidate, index), candidate) for index, candidate in enumerate(offered)]
    score, chosen = max(scored, key=lambda pair: pair[0])
    if score[0] <= 0:
        raise NotAcceptable(offered, f"Accept: {accept}")
    return chosen


def _score(parsed: MIMEAccept, candidate: Format, index: int) -> tuple[float, bool, int]:
    """Quality first; then a media type the client named over one reached by wildcard or alias; then ours.

    A media type the client names explicitly decides its own quality (``q=0`` excludes it even when a
    wildcard would admit it); an alias counts only where the client names it.
    """
    named = {value: quality for value, quality in parsed}
    if candidate.media_type in named:
        return named[candidate.media_type], True, -index
    quality = parsed.quality(candidate.media_type)
    for alias in candidate.aliases:
        if alias in named:
            quality = max(quality, named[alias])
    return quality, False, -index
