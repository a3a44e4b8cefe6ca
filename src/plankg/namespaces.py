"""The one table of namespaces and the URI patterns of DESIGN §4."""

from __future__ import annotations

import unicodedata

from rdflib import Namespace, URIRef

BASE = "https://w3id.org/plankg/"
ID = Namespace(BASE + "id/")
DEF = Namespace(BASE + "def/")
GRAPH = Namespace(BASE + "graph/")
DATA = Namespace(BASE + "data/")

PLANKG = Namespace(BASE + "def/core/")
TEMA = Namespace(BASE + "def/tema/")
ROLLE = Namespace(BASE + "def/rolle/")
ENHEDSTYPE = Namespace(BASE + "def/enhedstype/")
PLANINSTRUMENT = Namespace(BASE + "def/planinstrument/")
SAMARBEJDSTYPE = Namespace(BASE + "def/samarbejdstype/")
FORMAALSTYPE = Namespace(BASE + "def/formaalstype/")

ORG = Namespace("http://www.w3.org/ns/org#")
CV = Namespace("http://data.europa.eu/m8g/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCT = Namespace("http://purl.org/dc/terms/")
PROV = Namespace("http://www.w3.org/ns/prov#")
TIME = Namespace("http://www.w3.org/2006/time#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
SCHEMA = Namespace("http://schema.org/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")
VANN = Namespace("http://purl.org/vocab/vann/")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SH = Namespace("http://www.w3.org/ns/shacl#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

#: Prefixes written into every serialisation and offered to SPARQL users.
PREFIXES: dict[str, str] = {
    "plankg": str(PLANKG),
    "tema": str(TEMA),
    "rolle": str(ROLLE),
    "enhedstype": str(ENHEDSTYPE),
    "planinstrument": str(PLANINSTRUMENT),
    "samarbejdstype": str(SAMARBEJDSTYPE),
    "formaalstype": str(FORMAALSTYPE),
    "org": str(ORG),
    "cv": str(CV),
    "skos": str(SKOS),
    "dct": str(DCT),
    "prov": str(PROV),
    "time": str(TIME),
    "geo": str(GEO),
    "schema": str(SCHEMA),
    "dcat": str(DCAT),
    "void": str(VOID),
    "vann": str(VANN),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "sh": str(SH),
    "foaf": str(FOAF),
}

_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


def slugify(text: str) -> str:
    """Lower-case ASCII slug (æ→ae, ø→oe, å→aa), words joined by hyphens."""
    folded = text.translate(_FOLD).lower()
    ascii_text = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in ascii_text).split()
    return "-".join(words)


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


def source_graph(slug: str) -> URIRef:
    """The named graph holding the facts taken from source ``slug``."""
    return GRAPH[f"kilde/{slug}"]


def register_graph(slug: str) -> URIRef:
    """The named graph holding the facts derived from registry ``slug``."""
    return GRAPH[f"register/{slug}"]


def translation_graph(slug: str) -> URIRef:
    """The named graph holding the project's translations of source ``slug``."""
    return GRAPH[f"oversaettelse/{slug}"]
