"""The one table of namespaces and the URI patterns of DESIGN §4."""

from __future__ import annotations

from rdflib import Namespace, URIRef

from plankg.tables.vocab import CANONICAL_BASE, PREFIXES

BASE = CANONICAL_BASE
ID = Namespace(BASE + "id/")
DEF = Namespace(BASE + "def/")
GRAPH = Namespace(BASE + "graph/")
DATA = Namespace(BASE + "data/")

PLANKG = Namespace(PREFIXES["plankg"])
TEMA = Namespace(PREFIXES["tema"])
ROLLE = Namespace(PREFIXES["rolle"])
ENHEDSTYPE = Namespace(PREFIXES["enhedstype"])
PLANINSTRUMENT = Namespace(PREFIXES["planinstrument"])
SAMARBEJDSTYPE = Namespace(PREFIXES["samarbejdstype"])
FORMAALSTYPE = Namespace(PREFIXES["formaalstype"])

ORG = Namespace(PREFIXES["org"])
CV = Namespace(PREFIXES["cv"])
SKOS = Namespace(PREFIXES["skos"])
DCT = Namespace(PREFIXES["dct"])
PROV = Namespace(PREFIXES["prov"])
TIME = Namespace(PREFIXES["time"])
GEO = Namespace(PREFIXES["geo"])
SCHEMA = Namespace(PREFIXES["schema"])
DCAT = Namespace(PREFIXES["dcat"])
VOID = Namespace(PREFIXES["void"])
VANN = Namespace(PREFIXES["vann"])
OWL = Namespace(PREFIXES["owl"])
RDF = Namespace(PREFIXES["rdf"])
RDFS = Namespace(PREFIXES["rdfs"])
XSD = Namespace(PREFIXES["xsd"])
SH = Namespace(PREFIXES["sh"])
FOAF = Namespace(PREFIXES["foaf"])
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCATAP = Namespace("http://data.europa.eu/r5r/")


def municipality(code: str) -> URIRef:
    """The URI of the municipality with 4-digit code ``code``."""
    return ID[f"kommune/{code}"]


def region(code: str) -> URIRef:
    """The URI of the region with 4-digit code ``code``."""
    return ID[f"region/{code}"]


def cooperation(slug: str) -> URIRef:
    """The URI of the cooperation ``slug``."""
    return ID[f"samarbejde/{slug}"]


def source(slug: str) -> URIRef:
    """The URI of the source document or data set ``slug``."""
    return ID[f"kilde/{slug}"]


def register_graph(slug: str) -> URIRef:
    """The named graph holding the facts derived from registry ``slug``."""
    return GRAPH[f"register/{slug}"]


def translation_graph(slug: str) -> URIRef:
    """The named graph holding the project's translations of source ``slug``."""
    return GRAPH[f"oversaettelse/{slug}"]
