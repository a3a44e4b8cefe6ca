"""The dataset description: DCAT-AP 3.0.1 and VoID, with counts taken from the built store.

The licence is CC BY 4.0 for the data; the quotations from the Plan09 article are excepted
(ophavsretsloven § 22, DESIGN §2). Controlled vocabularies are the EU authority tables, with the
``skos:inScheme`` triples the DCAT-AP shapes need offline (see docs/dcat-ap.md).
"""

from __future__ import annotations

import pyoxigraph as ox
import shapely
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from plankg import __version__
from plankg.domain.namespaces import (
    DATA,
    DCAT,
    DCATAP,
    DCT,
    EU_AUTHORITY,
    FOAF,
    GEO,
    GRAPH,
    ID,
    PLANKG,
    PLANKG_ORGANISATION,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    VCARD,
    VOID,
    XSD,
    source,
)
from plankg.domain.region_lifetimes import first_day, last_day
from plankg.tables.formats import RDF_FORMATS
from plankg.tables.queries import internal
from plankg.tables.vocab import CANONICAL_BASE

BASE = CANONICAL_BASE
EU = EU_AUTHORITY
IANA = "https://www.iana.org/assignments/media-types/"
CC_BY = URIRef("http://creativecommons.org/licenses/by/4.0/")
DATASET = DATA["plankg"]
CATALOG = DATA["katalog"]
SERVICE = DATA["sparql-tjeneste"]
PUBLISHER = PLANKG_ORGANISATION
WIKIDATA = URIRef("http://www.wikidata.org/")
DAWA = URIRef("https://api.dataforsyningen.dk/")

#: file name → (title, EU file type); the media type is the format table's
DISTRIBUTIONS = {
    "plankg.trig": ("TriG", "RDF_TRIG"),
    "plankg.nq": ("N-Quads", "RDF_N_QUADS"),
    "plankg.ttl": ("Turtle", "RDF_TURTLE"),
    "plankg.nt": ("N-Triples", "RDF_N_TRIPLES"),
    "plankg.jsonld": ("JSON-LD", "JSON_LD"),
}

RIGHTS_DA = (
    "Data: CC BY 4.0, kreditér »plankg« og kilderne. Undtaget er citaterne fra Plan09-artiklen "
    "»Tværkommunale samarbejder om Planstrategien« (2009-12-02), der gengives efter ophavsretslovens "
    "§ 22 med kildeangivelse (Plan09 / Dansk Byplanlaboratorium) og ikke er omfattet af licensen."
)
RIGHTS_EN = (
    "Data: CC BY 4.0, credit 'plankg' and the sources. Excepted are the quotations from the Plan09 "
    "article 'Tværkommunale samarbejder om Planstrategien' (2009-12-02), reproduced under the Danish "
    "right of quotation (ophavsretsloven § 22) with attribution (Plan09 / Dansk Byplanlaboratorium); "
    "they are not covered by the licence."
)


def _rows(store: ox.Store, name: str) -> ox.QuerySolutions:
    """The answer of internal query ``name`` over the union of the graphs."""
    solutions = store.query(internal(name), use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def _count(store: ox.Store, name: str) -> int:
    for solution in _rows(store, name):
        return int(solution[0].value)
    return 0


def describe_dataset(store: ox.Store, sizes: dict[str, int]) -> Graph:
    """The DCAT/VoID description of the data in ``store``; ``sizes`` are the dumps' byte sizes."""
    g = Graph()
    _catalog(g)
    _dataset(g, store)
    for name, size in sizes.items():
        _distribution(g, name, size)
    _service(g)
    _linksets(g, store)
    _graph_subsets(g, store)
    _authority_codes(g)
    _extent(g, store)
    _temporal(g, store)
    return g


def _temporal(g: Graph, store: ox.Store) -> None:
    """The temporal coverage: from the earliest to the latest date an instant of the data carries.

    It follows the data: with Region Østdanmark (2027-01-01) in them, the coverage reaches 2027.
    Each bound keeps the precision it is given in.
    """
    dates = [s[0] for s in _rows(store, "instant-dates")]
    if not dates:
        return
    period = DATA["plankg/tidsrum"]
    g.add((DATASET, DCT.temporal, period))
    g.add((period, RDF.type, DCT.PeriodOfTime))
    # on a tie the more precise date wins (2007-01-01 rather than 2007)
    earliest = min(dates, key=lambda d: (first_day(d.value), -len(d.value)))
    latest = max(dates, key=lambda d: (last_day(d.value), len(d.value)))
    for prop, term in ((DCAT.startDate, earliest), (DCAT.endDate, latest)):
        g.add((period, prop, Literal(term.value, datatype=URIRef(term.datatype.value))))


def _extent(g: Graph, store: ox.Store) -> None:
    """Bounding box and centroid of Denmark, computed from the municipalities' geometries."""
    wkts = [s[0].value for s in _rows(store, "municipality-wkt")]
    if not wkts:
        return
    country = URIRef(EU + "country/DNK")
    union = shapely.union_all(shapely.from_wkt(wkts))
    wkt = GEO.wktLiteral
    g.add(
        (
            country,
            DCAT.bbox,
            Literal(shapely.to_wkt(shapely.envelope(union), rounding_precision=5, trim=True), datatype=wkt),
        )
    )
    g.add(
        (country, DCAT.centroid, Literal(shapely.to_wkt(union.centroid, rounding_precision=5, trim=True), datatype=wkt))
    )


def _lit(g: Graph, subject: Node, predicate: URIRef, da: str, en: str) -> None:
    g.add((subject, predicate, Literal(da, lang="da")))
    g.add((subject, predicate, Literal(en, lang="en")))


def _catalog(g: Graph) -> None:
    g.add((CATALOG, RDF.type, DCAT.Catalog))
    _lit(g, CATALOG, DCT.title, "plankg-katalog", "plankg catalogue")
    _lit(g, CATALOG, DCT.description, "Katalog over plankg's åbne data.", "Catalogue of plankg's open data.")
    g.add((CATALOG, DCT.publisher, PUBLISHER))
    g.add((CATALOG, DCAT.dataset, DATASET))
    g.add((CATALOG, DCAT.service, SERVICE))
    g.add((CATALOG, DCT.license, CC_BY))
    g.add((CATALOG, DCT.language, URIRef(EU + "language/DAN")))
    g.add((CATALOG, DCT.language, URIRef(EU + "language/ENG")))
    g.add((CATALOG, DCT.spatial, URIRef(EU + "country/DNK")))
    g.add((CATALOG, DCAT.themeTaxonomy, URIRef(EU + "data-theme")))
    g.add((CATALOG, FOAF.homepage, URIRef(BASE)))
    g.add((URIRef(BASE), RDF.type, FOAF.Document))
    g.add((CATALOG, DCT.issued, Literal("2026-11-26", datatype=XSD.date)))
    g.add((CATALOG, DCT.modified, Literal("2026-11-26", datatype=XSD.date)))
    g.add((PUBLISHER, RDF.type, FOAF.Agent))
    g.add((PUBLISHER, RDF.type, FOAF.Organization))
    g.add((PUBLISHER, FOAF.name, Literal("plankg")))
    g.add((PUBLISHER, SKOS.prefLabel, Literal("plankg", lang="da")))


def _dataset(g: Graph, store: ox.Store) -> None:
    d = DATASET
    for klass in (DCAT.Dataset, VOID.Dataset):
        g.add((d, RDF.type, klass))
    _lit(
        g,
        d,
        DCT.title,
        "plankg: tværkommunalt samarbejde om planlægning",
        "plankg: inter-municipal planning cooperation",
    )
    _lit(
        g,
        d,
        DCT.description,
        "Danske kommuner og regioner og de tværkommunale samarbejder om planstrategien som linked open data, "
        "hver oplysning med sin kilde.",
        "Danish municipalities and regions and the inter-municipal cooperations on the planning strategy as "
        "linked open data, each fact with its source.",
    )
    g.add((d, DCT.publisher, PUBLISHER))
    g.add((d, DCAT.contactPoint, _contact(g)))
    rights = BNode("rights")
    g.add((d, DCT.rights, rights))
    g.add((rights, RDF.type, DCT.RightsStatement))
    _lit(g, rights, RDFS.label, RIGHTS_DA, RIGHTS_EN)
    g.add((d, DCT.license, CC_BY))
    for word_da, word_en in (
        ("planstrategi", "planning strategy"),
        ("kommuner", "municipalities"),
        ("tværkommunalt samarbejde", "inter-municipal cooperation"),
    ):
        _lit(g, d, DCAT.keyword, word_da, word_en)
    g.add((d, DCAT.theme, URIRef(EU + "data-theme/GOVE")))
    g.add((d, DCAT.theme, URIRef(EU + "data-theme/REGI")))
    g.add((d, DCT.spatial, URIRef(EU + "country/DNK")))
    g.add((d, DCT.language, URIRef(EU + "language/DAN")))
    g.add((d, DCT.language, URIRef(EU + "language/ENG")))
    g.add((d, DCAT.version, Literal(__version__)))
    g.add((d, VOID.sparqlEndpoint, URIRef(BASE + "sparql")))
    g.add((d, VOID.uriSpace, Literal(BASE + "id/")))
    g.add((d, VOID.exampleResource, ID["kommune/0621"]))
    g.add((d, VOID.exampleResource, ID["samarbejde/trekantomraadet"]))
    g.add((d, VOID.dataDump, DATA["plankg.trig"]))
    _statistics(g, store)


def _statistics(g: Graph, store: ox.Store) -> None:
    """VoID's vocabularies, counts and class partitions, counted in the store."""
    d = DATASET
    for vocabulary in (
        "http://www.w3.org/ns/org#",
        "http://data.europa.eu/m8g/",
        "http://www.w3.org/2004/02/skos/core#",
        "http://purl.org/dc/terms/",
        "http://www.w3.org/ns/prov#",
        "http://www.w3.org/2006/time#",
        "http://www.opengis.net/ont/geosparql#",
        "http://schema.org/",
        str(PLANKG),
    ):
        g.add((d, VOID.vocabulary, URIRef(vocabulary)))
    g.add((d, VOID.triples, Literal(_count(store, "union-triples"))))
    g.add((d, VOID.distinctSubjects, Literal(_count(store, "distinct-subjects"))))
    entities = {row["class"].value: int(row["n"].value) for row in _rows(store, "class-entities")}
    for klass in (PLANKG.Municipality, PLANKG.Region, URIRef("http://www.w3.org/ns/org#OrganizationalCollaboration")):
        partition = BNode(f"class-{klass.split('/')[-1].split('#')[-1]}")
        g.add((d, VOID.classPartition, partition))
        g.add((partition, VOID["class"], klass))
        g.add((partition, VOID.entities, Literal(entities.get(str(klass), 0))))


def _contact(g: Graph) -> BNode:
    contact = BNode("contact")
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal("plankg")))
    g.add((contact, VCARD.hasURL, URIRef(BASE)))
    return contact


def _distribution(g: Graph, name: str, size: int) -> None:
    title, file_type = DISTRIBUTIONS[name]
    media_type = next(f.media_type for f in RDF_FORMATS if name.endswith("." + f.extension))
    dist = DATA[name]
    g.add((DATASET, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    _lit(g, dist, DCT.title, f"plankg som {title}", f"plankg as {title}")
    _lit(g, dist, DCT.description, f"Hele datasættet som {title}.", f"The whole dataset as {title}.")
    g.add((dist, DCAT.accessURL, dist))
    g.add((dist, DCAT.downloadURL, dist))
    g.add((dist, DCAT.mediaType, URIRef(IANA + media_type)))
    g.add((URIRef(IANA + media_type), RDF.type, DCT.MediaType))
    g.add((dist, DCT["format"], URIRef(EU + "file-type/" + file_type)))
    g.add((URIRef(EU + "file-type/" + file_type), RDF.type, DCT.MediaTypeOrExtent))
    g.add((dist, DCT.license, CC_BY))
    g.add((dist, DCT.rights, BNode("rights")))
    g.add((dist, DCATAP.availability, URIRef(EU + "planned-availability/STABLE")))
    g.add((dist, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))


def _service(g: Graph) -> None:
    endpoint = URIRef(BASE + "sparql")
    g.add((SERVICE, RDF.type, DCAT.DataService))
    _lit(g, SERVICE, DCT.title, "plankg's SPARQL-endpoint", "plankg SPARQL endpoint")
    g.add((SERVICE, DCAT.endpointURL, endpoint))
    g.add((SERVICE, DCAT.endpointDescription, endpoint))
    g.add((SERVICE, DCAT.servesDataset, DATASET))
    g.add((SERVICE, DCT.publisher, PUBLISHER))
    g.add((SERVICE, DCAT.contactPoint, _contact(g)))
    g.add((SERVICE, DCT.license, CC_BY))
    g.add((SERVICE, DCAT.theme, URIRef(EU + "data-theme/GOVE")))
    _lit(g, SERVICE, DCAT.keyword, "SPARQL", "SPARQL")
    protocol = URIRef("https://www.w3.org/TR/sparql11-protocol/")
    g.add((SERVICE, DCT.conformsTo, protocol))
    g.add((protocol, RDF.type, DCT.Standard))


def _linksets(g: Graph, store: ox.Store) -> None:
    """VoID linksets: the links to Wikidata and to the (historical) DAWA registry.

    Each linkset counts its distinct links; it has one subset per named graph that holds such
    links, with that graph's count and the graph's source (a registry snapshot or a Wikidata check,
    whose description in the data gives its date), so that a link's provenance is in the description.
    """
    counts = {row["linkset"].value: int(row["n"].value) for row in _rows(store, "linkset-counts")}
    per_graph = [(row["linkset"].value, row["g"].value, row["n"]) for row in _rows(store, "linkset-counts-per-graph")]
    # the linksets and the links they count are those of internal_queries/linkset-counts*.rq
    for slug, predicate, target in (("wikidata", SCHEMA.sameAs, WIKIDATA), ("dawa", RDFS.seeAlso, DAWA)):
        linkset = DATA[f"plankg/linkset/{slug}"]
        g.add((DATASET, VOID.subset, linkset))
        _linkset(g, linkset, predicate, target)
        g.add((linkset, VOID.triples, Literal(counts.get(slug, 0))))
        for graph, count in [(graph, n) for of, graph, n in per_graph if of == slug]:
            graph_slug = graph.rstrip("/").rsplit("/", 1)[-1]
            subset = DATA[f"plankg/linkset/{slug}/{graph_slug}"]
            g.add((linkset, VOID.subset, subset))
            _linkset(g, subset, predicate, target)
            g.add((subset, VOID.triples, Literal(int(count.value))))
            g.add((subset, PROV.wasDerivedFrom, URIRef(graph)))
            if graph.startswith(str(GRAPH) + "register/"):
                g.add((subset, DCT.source, source(graph_slug)))


def _linkset(g: Graph, linkset: URIRef, predicate: URIRef, target: URIRef) -> None:
    g.add((linkset, RDF.type, VOID.Linkset))
    g.add((linkset, VOID.linkPredicate, predicate))
    g.add((linkset, VOID.subjectsTarget, DATASET))
    g.add((linkset, VOID.objectsTarget, target))
    g.add((target, RDF.type, VOID.Dataset))


def _graph_subsets(g: Graph, store: ox.Store) -> None:
    """Each named graph as a VoID subset with its triple count and source."""
    for graph in sorted(store.named_graphs(), key=str):
        node = URIRef(graph.value)
        g.add((DATASET, VOID.subset, node))
        g.add((node, RDF.type, VOID.Dataset))
        count = sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
        g.add((node, VOID.triples, Literal(count)))


def _authority_codes(g: Graph) -> None:
    """The typing and scheme triples of the EU authority codes used (offline DCAT-AP check)."""
    schemes = {
        "language": ("DAN", "ENG"),
        "country": ("DNK",),
        "data-theme": ("GOVE", "REGI"),
        "planned-availability": ("STABLE",),
        "file-type": tuple(t for _, t in DISTRIBUTIONS.values()),
    }
    for table, codes in schemes.items():
        scheme = URIRef(EU + table)
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        g.add((scheme, DCT.title, Literal(table)))
        for code in codes:
            g.add((URIRef(f"{EU}{table}/{code}"), SKOS.inScheme, scheme))
    for code in schemes["data-theme"]:
        concept = URIRef(f"{EU}data-theme/{code}")
        g.add((concept, RDF.type, SKOS.Concept))
        g.add(
            (
                concept,
                SKOS.prefLabel,
                Literal({"GOVE": "Government and public sector", "REGI": "Regions and cities"}[code], lang="en"),
            )
        )
    for code in schemes["language"]:
        g.add((URIRef(f"{EU}language/{code}"), RDF.type, DCT.LinguisticSystem))
    stable = URIRef(EU + "planned-availability/STABLE")
    g.add((stable, RDF.type, SKOS.Concept))
    g.add((stable, SKOS.prefLabel, Literal("stable", lang="en")))
    g.add((URIRef(EU + "country/DNK"), RDF.type, DCT.Location))
    attribution = URIRef("http://purl.org/adms/licencetype/Attribution")
    licence_types = URIRef("http://purl.org/adms/licencetype/1.0")
    g.add((CC_BY, DCT.type, attribution))
    g.add((attribution, RDF.type, SKOS.Concept))
    g.add((attribution, SKOS.prefLabel, Literal("Attribution", lang="en")))
    g.add((attribution, SKOS.inScheme, licence_types))
    g.add((licence_types, RDF.type, SKOS.ConceptScheme))
    g.add((licence_types, DCT.title, Literal("ADMS licence type")))
    g.add((CC_BY, RDF.type, DCT.LicenseDocument))
    g.add((CC_BY, SKOS.exactMatch, URIRef(EU + "licence/CC_BY_4_0")))
