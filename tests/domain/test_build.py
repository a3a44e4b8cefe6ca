"""``plankg build``: the dumps hold the validated data; void.ttl conforms to DCAT-AP 3.0.1."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from plankg.domain.build import DUMPS, InvalidData, build
from plankg.tables import project

from ..support import TEST_DATA, run_cli

DCAT_AP = ("shapes.ttl", "range.ttl", "shapes_recommended.ttl", "mdr-vocabularies.shape.ttl")
VOID = "http://rdfs.org/ns/void#"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build")
    result = run_cli("build", "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def has_blank(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


def assert_same_dataset(got: list[ox.Quad], expected: list[ox.Quad]) -> None:
    """Equal ground quads, and isomorphic blank-node parts graph by graph."""
    from rdflib.compare import isomorphic

    from plankg.domain.rdf import to_rdflib_graph

    assert {q for q in got if not has_blank(q)} == {q for q in expected if not has_blank(q)}
    graphs = {q.graph_name for q in got + expected if has_blank(q)}
    for graph in graphs:
        a = to_rdflib_graph(q for q in got if has_blank(q) and q.graph_name == graph)
        b = to_rdflib_graph(q for q in expected if has_blank(q) and q.graph_name == graph)
        assert isomorphic(a, b), graph


def test_build_writes_every_dump(built: Path) -> None:
    for name in DUMPS:
        assert (built / name).stat().st_size > 0, name


@pytest.mark.parametrize("name", ["plankg.trig", "plankg.nq", "plankg.jsonld"])
def test_quad_dumps_hold_exactly_the_project_quads(built: Path, name: str, project_loaded) -> None:  # type: ignore[no-untyped-def]
    assert_same_dataset(list(ox.parse(path=built / name)), project_loaded.quads)


def test_the_turtle_dump_is_the_union_as_triples(built: Path, project_loaded) -> None:  # type: ignore[no-untyped-def]
    default = ox.DefaultGraph()
    parsed = list(ox.parse(path=built / "plankg.ttl"))
    union = {ox.Quad(q.subject, q.predicate, q.object, default) for q in project_loaded.quads}
    assert len(parsed) == len(union)
    assert_same_dataset(parsed, list(union))


def test_the_jsonld_dump_embeds_its_context(built: Path) -> None:
    document = json.loads((built / "plankg.jsonld").read_text("utf-8"))
    assert isinstance(document["@context"], dict)
    assert document["@context"]["org"] == "http://www.w3.org/ns/org#"
    context = json.loads((built / "context.jsonld").read_text("utf-8"))
    assert context["@context"] == document["@context"]


def void_graph(built: Path) -> Graph:
    return Graph().parse(built / "void.ttl")


def test_the_dataset_description_conforms_to_dcat_ap_3(built: Path) -> None:
    import pyshacl

    shapes = Graph()
    for name in DCAT_AP:
        shapes.parse(project.dcat_ap_dir() / name)
    conforms, _, text = pyshacl.validate(void_graph(built), shacl_graph=shapes, inference="none", allow_warnings=True)
    assert conforms, text


def csv_table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_description_counts_what_the_dumps_hold(built: Path, project_loaded) -> None:  # type: ignore[no-untyped-def]
    g = void_graph(built)
    dataset = URIRef("https://w3id.org/plankg/data/plankg")
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in project_loaded.quads}
    assert g.value(dataset, URIRef(VOID + "triples")) == Literal(len(triples))
    wikidata = URIRef("https://w3id.org/plankg/data/plankg/linkset/wikidata")
    expected_links = sum(
        1
        for t in triples
        if t.predicate.value == "http://schema.org/sameAs"
        and t.object.value.startswith("http://www.wikidata.org/entity/")
    )
    from plankg.tables import project

    registry = project.data_dir() / "registry"
    rows = [r for name in ("municipalities.csv", "regions.csv") for r in csv_table(registry / name)]
    assert expected_links == sum(1 for r in rows if r["wikidata"])
    assert g.value(wikidata, URIRef(VOID + "triples")) == Literal(expected_links)
    size = g.value(URIRef("https://w3id.org/plankg/data/plankg.trig"), URIRef("http://www.w3.org/ns/dcat#byteSize"))
    assert int(size) == (built / "plankg.trig").stat().st_size


def test_the_licence_excepts_the_quotations(built: Path) -> None:
    g = void_graph(built)
    rights = [str(o) for o in g.objects(None, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))]
    assert any("CC BY 4.0" in r and "ophavsretslovens § 22" in r for r in rights)


def test_an_unchanged_build_is_kept_and_a_forced_one_redone(built: Path) -> None:
    manifest = json.loads((built / "manifest.json").read_text("utf-8"))
    again = build(built)
    assert again.cached and again.manifest["input_hash"] == manifest["input_hash"]
    assert not build(built, force=True).cached


def test_invalid_data_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(project.data_dir(), data)
    shutil.copy(TEST_DATA / "invalid" / "municipality-two-codes.ttl", data / "broken.ttl")
    out = tmp_path / "out"
    with pytest.raises(InvalidData) as error:
        build(out, [data])
    assert not error.value.report.conforms
    assert not out.exists()
    result = run_cli("build", "--out", str(out), "--data", str(data))
    assert result.returncode == 1
    assert "kommune/9901" in result.stdout and "nothing was written" in result.stderr
    assert not out.exists()


def test_each_linkset_has_a_subset_per_source_graph_with_its_provenance(built: Path, project_loaded) -> None:  # type: ignore[no-untyped-def]
    g = void_graph(built)
    for slug, predicate, prefix in (
        ("wikidata", "http://schema.org/sameAs", "http://www.wikidata.org/entity/"),
        ("dawa", "http://www.w3.org/2000/01/rdf-schema#seeAlso", "https://api.dataforsyningen.dk/"),
    ):
        linkset = URIRef(f"https://w3id.org/plankg/data/plankg/linkset/{slug}")
        per_graph: dict[str, int] = {}
        for q in project_loaded.quads:
            if q.predicate.value == predicate and q.object.value.startswith(prefix):
                per_graph[q.graph_name.value] = per_graph.get(q.graph_name.value, 0) + 1
        subsets = list(g.objects(linkset, URIRef(VOID + "subset")))
        assert len(subsets) == len(per_graph) >= 1
        for subset in subsets:
            graph = g.value(subset, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
            assert int(g.value(subset, URIRef(VOID + "triples"))) == per_graph[str(graph)]
            source = g.value(subset, URIRef("http://purl.org/dc/terms/source"))
            assert str(source) == str(graph).replace("/graph/register/", "/id/kilde/")


def test_builds_of_the_same_data_are_byte_for_byte_the_same(tmp_path: Path) -> None:
    """Blank node labels and JSON-LD order do not depend on the process: replicas publish the same bytes."""
    import os
    import subprocess
    import sys

    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"build-{seed}"
        subprocess.run(
            [sys.executable, "-m", "plankg", "build", "--out", str(out), "--force"],
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outputs.append(out)
    for name in ("plankg.trig", "plankg.nq", "plankg.ttl", "plankg.jsonld", "void.ttl"):
        assert (outputs[0] / name).read_bytes() == (outputs[1] / name).read_bytes(), name


def test_the_temporal_coverage_follows_the_data(built: Path) -> None:
    """From the earliest day the data name (the 2007 reform) to the latest: Region Østdanmark's 2027-01-01."""
    g = void_graph(built)
    dcat = "http://www.w3.org/ns/dcat#"
    period = g.value(URIRef("https://w3id.org/plankg/data/plankg"), URIRef("http://purl.org/dc/terms/temporal"))
    start = g.value(period, URIRef(dcat + "startDate"))
    end = g.value(period, URIRef(dcat + "endDate"))
    assert (str(start), str(start.datatype).rsplit("#", 1)[1]) == ("2007-01-01", "date")  # type: ignore[union-attr]
    with (project.data_dir() / "registry" / "regions.csv").open(encoding="utf-8") as handle:
        latest = max(row["fra"] for row in csv.DictReader(handle))
    assert str(end) == latest == "2027-01-01"
