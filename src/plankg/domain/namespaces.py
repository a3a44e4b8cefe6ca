"""The namespaces as rdflib terms, and minting the URIs of ``vocab.URI_PATTERNS`` as rdflib terms."""

from __future__ import annotations

from collections.abc import Callable

from rdflib import Namespace, URIRef

from plankg.tables.vocab import CANONICAL_BASE, PREFIXES, URI_PATTERNS, mint

BASE = CANONICAL_BASE
ID = Namespace(BASE + "id/")
DEF = Namespace(BASE + "def/")
GRAPH = Namespace(BASE + "graph/")
DATA = Namespace(BASE + "data/")
#: plankg itself, as an organisation: the dataset's publisher and the author of its translations.
PLANKG_ORGANISATION = ID["organisation/plankg"]
#: The EU's authority tables (languages, file types, licences as the EU names them).
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"

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


def _minter(kind: str) -> Callable[[str], URIRef]:
    def mint_uri(key: str) -> URIRef:
        return URIRef(mint(kind, key))

    mint_uri.__doc__ = f"The URI of the {kind.replace('_', ' ')} ``key`` ({URI_PATTERNS[kind]})."
    return mint_uri


#: The URI patterns of ``vocab`` as rdflib terms.
municipality = _minter("municipality")
region = _minter("region")
cooperation = _minter("cooperation")
area = _minter("area")
source = _minter("source")
register_graph = _minter("register_graph")
translation_graph = _minter("translation_graph")
