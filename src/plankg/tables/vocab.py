"""The vocabulary at the bottom of the house: the canonical base, every namespace and prefix, the URI
patterns of DESIGN §4 and the base rewriting. Plain strings, no rdflib and no Flask: query worker
processes import it. The canonical base is written here and nowhere else.
"""

from __future__ import annotations

#: The persistent base of every plankg IRI (a w3id.org redirect).
CANONICAL_BASE = "https://w3id.org/plankg/"
DEF = CANONICAL_BASE + "def/"
#: The paths whose IRIs follow a configured base (``--base-uri``); ``def/`` IRIs stay canonical.
REWRITTEN = ("id/", "graph/", "data/")
#: The dataset and its SHACL profile.
DATASET = CANONICAL_BASE + "data/plankg"
PROFILE = DEF + "profile/plankg#"

#: Prefixes written into every serialisation and offered to SPARQL users.
PREFIXES: dict[str, str] = {
    "plankg": DEF + "core/",
    "tema": DEF + "tema/",
    "rolle": DEF + "rolle/",
    "enhedstype": DEF + "enhedstype/",
    "planinstrument": DEF + "planinstrument/",
    "samarbejdstype": DEF + "samarbejdstype/",
    "formaalstype": DEF + "formaalstype/",
    "org": "http://www.w3.org/ns/org#",
    "cv": "http://data.europa.eu/m8g/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "time": "http://www.w3.org/2006/time#",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "schema": "http://schema.org/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "vann": "http://purl.org/vocab/vann/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "foaf": "http://xmlns.com/foaf/0.1/",
}


#: The URI patterns of DESIGN §4, under the canonical base; frozen once published.
URI_PATTERNS = {
    "municipality": "id/kommune/{}",  # 4-digit kommunekode
    "region": "id/region/{}",  # 4-digit regionskode, or a slug where no code is published
    "cooperation": "id/samarbejde/{}",
    "area": "id/omraade/{}",  # a planning area designated by law (not an organisation)
    "source": "id/kilde/{}",
    "register_graph": "graph/register/{}",
    "translation_graph": "graph/oversaettelse/{}",
}


def mint(kind: str, key: str) -> str:
    """The canonical URI of the ``kind`` (a key of :data:`URI_PATTERNS`) named ``key``."""
    return CANONICAL_BASE + URI_PATTERNS[kind].format(key)


def rewrite_iri(iri: str, base: str) -> str:
    """The IRI under ``base`` for a canonical ``/id/``, ``/graph/`` or ``/data/`` IRI; others unchanged."""
    if base != CANONICAL_BASE and iri.startswith(CANONICAL_BASE):
        rest = iri[len(CANONICAL_BASE) :]
        if rest.startswith(REWRITTEN):
            return base + rest
    return iri
