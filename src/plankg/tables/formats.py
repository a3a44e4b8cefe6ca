"""The one format table: name ↔ file extension ↔ media type ↔ serialiser, for RDF graphs and datasets,
SPARQL results, HTML, GeoJSON and CSV, and the families of formats each kind of answer offers.
Choosing among them is ``negotiate``'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox


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

    smallest_row: int = 0  # for SPARQL results: the fewest bytes one row takes (to know when to count rows)

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        """Sent to a query process by name; the process takes the same object from its own table."""
        return (format_named, (self.name, self.media_type))

    @property
    def is_xml(self) -> bool:
        """True for XML formats, whose answers must hold only characters XML 1.0 allows."""
        return self.media_type.endswith(("/xml", "+xml"))

    @property
    def content_type(self) -> str:
        """The Content-Type header value (text types say their charset)."""
        text = self.media_type.startswith("text/") or self.media_type.endswith(("+json", "+xml", "/json"))
        return f"{self.media_type}; charset=utf-8" if text else self.media_type


#: SPARQL SELECT/ASK result formats (SPARQL 1.1 Query Results JSON, XML, CSV/TSV).
RESULT_FORMATS = (
    Format(
        "json",
        "srj",
        "application/sparql-results+json",
        ("application/json",),
        results=ox.QueryResultsFormat.JSON,
        smallest_row=3,  # {},
    ),
    Format(
        "xml",
        "srx",
        "application/sparql-results+xml",
        ("application/xml", "text/xml"),
        results=ox.QueryResultsFormat.XML,
        smallest_row=17,  # <result></result>
    ),
    Format("csv", "csv", "text/csv", (), results=ox.QueryResultsFormat.CSV, smallest_row=2),  # \r\n
    Format("tsv", "tsv", "text/tab-separated-values", (), results=ox.QueryResultsFormat.TSV, smallest_row=1),  # \n
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
#: What people call each format (the same in every language): links are named by these, not media types.
TITLES = {
    "turtle": "Turtle",
    "jsonld": "JSON-LD",
    "rdfxml": "RDF/XML",
    "ntriples": "N-Triples",
    "trig": "TriG",
    "nquads": "N-Quads",
    "geojson": "GeoJSON",
    "table": "CSV",
    "csv": "CSV",
    "tsv": "TSV",
    "json": "SPARQL JSON",
    "xml": "SPARQL XML",
    "html": "HTML",
}
#: Plain JSON (search hits, reconciliation).
JSON = Format("json", "json", "application/json", ())

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
    "search": (HTML, JSON),
}


def format_named(name: str, media_type: str) -> Format:
    """The one object of the table with this name and media type."""
    for candidate in (*RESULT_FORMATS, *RDF_FORMATS, HTML, GEOJSON, TABLE, JSON):
        if (candidate.name, candidate.media_type) == (name, media_type):
            return candidate
    raise KeyError(f"no format {name} ({media_type})")
