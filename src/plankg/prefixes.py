"""The prefixes plankg writes and offers; a plain table that needs no rdflib (query workers import it)."""

#: Prefixes written into every serialisation and offered to SPARQL users.
PREFIXES: dict[str, str] = {
    "plankg": "https://w3id.org/plankg/def/core/",
    "tema": "https://w3id.org/plankg/def/tema/",
    "rolle": "https://w3id.org/plankg/def/rolle/",
    "enhedstype": "https://w3id.org/plankg/def/enhedstype/",
    "planinstrument": "https://w3id.org/plankg/def/planinstrument/",
    "samarbejdstype": "https://w3id.org/plankg/def/samarbejdstype/",
    "formaalstype": "https://w3id.org/plankg/def/formaalstype/",
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
