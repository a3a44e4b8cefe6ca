"""Ontology hygiene: labels and comments in both languages, paths that exist, prefixes bound."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCAT, DCTERMS, FOAF, GEO, ORG, PROV, SKOS, TIME, VOID, DefinedNamespace

from plankg.domain.namespaces import SH
from plankg.tables import project
from plankg.tables.vocab import PREFIXES

#: Terms of the EU Core Public Organisation Vocabulary plankg uses (not in rdflib's closed namespaces).
CV_TERMS = {"PublicOrganisation"}
#: schema.org terms plankg uses; rdflib's SDO namespace is https://schema.org/.
CLOSED: dict[str, type[DefinedNamespace]] = {
    str(ORG): ORG,
    str(SKOS): SKOS,
    str(DCTERMS): DCTERMS,
    str(PROV): PROV,
    str(TIME): TIME,
    str(GEO): GEO,
    str(DCAT): DCAT,
    str(VOID): VOID,
    str(FOAF): FOAF,
}


def ontology() -> Graph:
    graph = Graph()
    for path in project.vocabulary_files():
        graph.parse(path)
    return graph


def shapes() -> Graph:
    return Graph().parse(project.shapes_file())


def languages(graph: Graph, subject: URIRef, predicate: URIRef) -> set[str | None]:
    return {o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


def core_terms(graph: Graph) -> list[URIRef]:
    core = PREFIXES["plankg"]
    return sorted(s for s in set(graph.subjects(RDFS.isDefinedBy, None)) if str(s).startswith(core))


def test_core_defines_the_terms_the_design_names() -> None:
    names = {str(t).rsplit("/", 1)[1] for t in core_terms(ontology())}
    assert {"Municipality", "Region", "theme", "supportedBy", "MunicipalityCode", "RegionCode", "DagiId"} <= names


@pytest.mark.parametrize("predicate", [RDFS.label, RDFS.comment])
def test_every_core_term_is_labelled_and_commented_in_danish_and_english(predicate: URIRef) -> None:
    graph = ontology()
    terms = core_terms(graph)
    assert terms
    missing = [t for t in terms if not {"da", "en"} <= languages(graph, t, predicate)]
    assert missing == []


def test_the_ontology_has_version_licence_and_prefix_metadata() -> None:
    graph = ontology()
    node = URIRef("https://w3id.org/plankg/def/core")
    assert (node, RDF.type, OWL.Ontology) in graph
    for predicate in (
        OWL.versionIRI,
        DCTERMS.license,
        URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix"),
        URIRef("http://purl.org/vocab/vann/preferredNamespaceUri"),
    ):
        assert graph.value(node, predicate) is not None, predicate
    assert {"da", "en"} <= languages(graph, node, RDFS.label)


@pytest.mark.parametrize("scheme", ["tema", "rolle", "enhedstype", "planinstrument", "samarbejdstype", "formaalstype"])
def test_every_concept_of_each_code_list_has_labels_and_definitions_in_both_languages(scheme: str) -> None:
    graph = ontology()
    scheme_iri = URIRef(f"https://w3id.org/plankg/def/{scheme}")
    assert (scheme_iri, RDF.type, SKOS.ConceptScheme) in graph
    concepts = list(graph.subjects(SKOS.inScheme, scheme_iri))
    assert concepts
    for concept in concepts:
        assert {"da", "en"} <= languages(graph, concept, SKOS.prefLabel), concept
        assert {"da", "en"} <= languages(graph, concept, SKOS.definition), concept


def _path_terms(graph: Graph, path: object) -> list[URIRef]:
    if isinstance(path, URIRef):
        return [path]
    inverse = graph.value(path, SH.inversePath)  # type: ignore[arg-type]
    if inverse is not None:
        return _path_terms(graph, inverse)
    return [t for step in Collection(graph, path) for t in _path_terms(graph, step)]  # type: ignore[arg-type]


def _exists(term: URIRef, own: Graph) -> bool:
    text = str(term)
    if (term, None, None) in own:
        return True
    for namespace, closed in CLOSED.items():
        if text.startswith(namespace):
            return term in closed
    if text.startswith(PREFIXES["cv"]):
        return text[len(PREFIXES["cv"]) :] in CV_TERMS
    return False


def test_every_shacl_path_exists_in_the_ontology_or_a_reused_vocabulary() -> None:
    graph, own = shapes(), ontology()
    paths = [t for p in graph.objects(None, SH.path) for t in _path_terms(graph, p)]
    assert len(paths) > 20
    unknown = sorted({str(t) for t in paths if not _exists(t, own)})
    assert unknown == []


def test_the_existence_check_rejects_a_made_up_term() -> None:
    assert not _exists(URIRef(str(ORG) + "hasMembre"), ontology())
    assert _exists(URIRef(str(ORG) + "hasMember"), ontology())


@pytest.mark.parametrize(
    "path",
    sorted([*Path(project.ontology_dir()).glob("*.ttl"), *Path(project.data_dir()).rglob("*.trig")]),
    ids=lambda p: p.name,
)
def test_every_prefix_used_in_a_file_is_declared(path: Path) -> None:
    text = path.read_text("utf-8")
    declared = set(re.findall(r"@prefix\s+([\w-]*):", text))
    body = re.sub(r'"""(.|\n)*?"""|"[^"\n]*"|<[^>\n]*>|#[^\n]*', "", text)
    used = set(re.findall(r"(?<![\w/])([a-z][\w-]*):[\w\\]", body)) - {"http", "https"}
    assert used <= declared


def test_the_namespace_table_binds_every_namespace_the_data_uses(project_loaded) -> None:  # type: ignore[no-untyped-def]
    namespaces = set(PREFIXES.values())
    used = {
        q.predicate.value.rsplit("#", 1)[0] + "#"
        if "#" in q.predicate.value
        else q.predicate.value.rsplit("/", 1)[0] + "/"
        for q in project_loaded.quads
    }
    assert used <= namespaces
