"""The registry layer: 98 municipalities, the regions in time, codes, names, neighbours, regeneration."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from plankg.domain.csvfiles import DataError
from plankg.domain.dataset import read_file
from plankg.domain.registry import build_registry, registry_file, write_registry
from plankg.tables import project

from ..support import select

REGISTRY = project.data_dir() / "registry"
PREFIXES = """PREFIX org: <http://www.w3.org/ns/org#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX plankg: <https://w3id.org/plankg/def/core/> PREFIX dct: <http://purl.org/dc/terms/>
PREFIX geo: <http://www.opengis.net/ont/geosparql#> """


def table(name: str) -> list[dict[str, str]]:
    with (REGISTRY / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def labelled(store: ox.Store, cls: str) -> dict[str, str]:
    rows = select(
        store,
        PREFIXES + f"SELECT ?code ?name {{ ?x a plankg:{cls} ; org:identifier ?code ; "
        "skos:prefLabel ?name FILTER(LANG(?name) = 'da') }",
    )
    return {r["code"]: r["name"] for r in rows}


def test_all_98_municipalities_with_the_registry_codes_and_names(store: ox.Store) -> None:
    expected = {row["kode"]: row["navn"] for row in table("municipalities.csv")}
    assert len(expected) == 98
    assert labelled(store, "Municipality") == expected


def test_every_region_with_its_code_where_one_is_published(store: ox.Store) -> None:
    rows = table("regions.csv")
    assert labelled(store, "Region") == {row["kode"]: row["navn"] for row in rows if row["kode"]}
    named = select(
        store, PREFIXES + "SELECT ?x ?name { ?x a plankg:Region ; skos:prefLabel ?name FILTER(LANG(?name) = 'da') }"
    )
    keys = {r["x"].rsplit("/", 1)[1]: r["name"] for r in named}
    assert keys == {row["slug"] or row["kode"]: row["navn"] for row in rows}
    # a region without a published code has no code and no DAGI id: none is invented
    uncoded = [row["slug"] for row in rows if not row["kode"]]
    assert uncoded == ["oestdanmark"]
    facts = select(store, PREFIXES + "SELECT ?p { <https://w3id.org/plankg/id/region/oestdanmark> ?p ?o }")
    assert "http://www.w3.org/ns/org#identifier" not in {f["p"] for f in facts}
    assert "http://purl.org/dc/terms/identifier" not in {f["p"] for f in facts}


def test_each_municipality_lies_within_the_region_the_registry_names(store: ox.Store) -> None:
    rows = select(
        store,
        PREFIXES
        + """SELECT ?code ?region { ?m a plankg:Municipality ; org:identifier ?code ;
        dct:spatial/geo:sfWithin ?t . ?r a plankg:Region ; dct:spatial ?t ; org:identifier ?region }""",
    )
    assert {r["code"]: r["region"] for r in rows} == {
        row["kode"]: row["regionskode"] for row in table("municipalities.csv")
    }


def test_dagi_ids_dawa_urls_and_wikidata_links_come_from_the_table(store: ox.Store) -> None:
    rows = select(
        store,
        PREFIXES
        + """PREFIX schema: <http://schema.org/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?code ?dagi ?dawa ?wd { ?m a plankg:Municipality ; org:identifier ?code ; dct:identifier ?dagi ;
        rdfs:seeAlso ?dawa ; schema:sameAs ?wd FILTER(DATATYPE(?dagi) = plankg:DagiId) }""",
    )
    got = {r["code"]: (r["dagi"], r["dawa"], r["wd"]) for r in rows}
    expected = {
        row["kode"]: (
            row["dagi_id"],
            f"https://api.dataforsyningen.dk/kommuner/{row['kode']}",
            f"http://www.wikidata.org/entity/{row['wikidata']}",
        )
        for row in table("municipalities.csv")
    }
    assert got == expected


def test_official_names_are_alternative_labels(store: ox.Store) -> None:
    rows = select(
        store, PREFIXES + "SELECT ?code ?alt { ?m a plankg:Municipality ; org:identifier ?code ; skos:altLabel ?alt }"
    )
    alt = {r["code"]: r["alt"] for r in rows}
    assert alt["0621"] == "Kolding Kommune"
    assert alt["0101"] == "Københavns Kommune"
    assert alt["0400"] == "Bornholms Regionskommune"


def touching(store: ox.Store, a: str, b: str) -> bool:
    query = (
        PREFIXES
        + f"""ASK {{ ?x org:identifier "{a}"^^plankg:MunicipalityCode ; dct:spatial ?tx .
        ?y org:identifier "{b}"^^plankg:MunicipalityCode ; dct:spatial ?ty . ?tx geo:sfTouches ?ty }}"""
    )
    return bool(store.query(query, use_default_graph_as_union=True))


@pytest.mark.parametrize(
    ("a", "b"),
    [("0621", "0630"), ("0165", "0161"), ("0621", "0575"), ("0101", "0147")],
    ids=["Kolding-Vejle", "Albertslund-Glostrup", "Kolding-Vejen", "København-Frederiksberg"],
)
def test_known_neighbours_touch_both_ways(store: ox.Store, a: str, b: str) -> None:
    assert touching(store, a, b)
    assert touching(store, b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [("0621", "0165"), ("0400", "0101"), ("0563", "0561"), ("0630", "0510")],
    ids=["Kolding-Albertslund", "Bornholm-København", "Fanø-Esbjerg (sea)", "Vejle-Haderslev"],
)
def test_known_non_neighbours_do_not_touch(store: ox.Store, a: str, b: str) -> None:
    assert not touching(store, a, b)


def test_every_municipality_has_a_mayor_and_a_municipal_director_post(store: ox.Store) -> None:
    rows = select(
        store,
        PREFIXES
        + """SELECT ?m (COUNT(DISTINCT ?role) AS ?n) { ?m a plankg:Municipality ;
        org:hasPost ?p . ?p org:postIn ?m ; org:role ?role } GROUP BY ?m""",
    )
    assert len(rows) == 98
    assert {r["n"] for r in rows} == {"2"}


def test_region_geometry_is_the_union_of_its_municipalities() -> None:
    import shapely

    quads = build_registry(REGISTRY)
    wkt = {q.subject.value: q.object.value for q in quads if q.predicate.value.endswith("#asWKT")}
    region = shapely.from_wkt(wkt["https://w3id.org/plankg/id/region/1083/omraade/geometri"])
    members = [
        shapely.from_wkt(wkt[f"https://w3id.org/plankg/id/kommune/{row['kode']}/omraade/geometri"])
        for row in table("municipalities.csv")
        if row["regionskode"] == "1083"
    ]
    assert shapely.union_all(members).symmetric_difference(region).area < 1e-8


def test_regenerating_the_registry_gives_the_same_graph() -> None:
    committed = set(read_file(registry_file(REGISTRY)))
    regenerated = set(build_registry(REGISTRY))
    # No blank nodes: equal quad sets is graph isomorphism.
    assert not any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) for q in regenerated)
    assert regenerated == committed


def test_the_import_command_writes_the_registry_from_a_copy_of_the_tables(tmp_path: Path) -> None:
    copy = tmp_path / "registry"
    shutil.copytree(REGISTRY, copy)
    (copy / "registry.trig").unlink()
    from ..support import run_cli

    result = run_cli("import", "registry", "--dir", str(copy))
    assert result.returncode == 0, result.stderr
    assert set(read_file(copy / "registry.trig")) == set(read_file(registry_file(REGISTRY)))


def test_a_bad_row_in_the_tables_is_named(tmp_path: Path) -> None:
    copy = tmp_path / "registry"
    shutil.copytree(REGISTRY, copy)
    text = (copy / "municipalities.csv").read_text("utf-8").replace("\n0621,Kolding,", "\n621,Kolding,")
    (copy / "municipalities.csv").write_text(text, "utf-8")
    with pytest.raises(DataError, match=r"municipalities\.csv: row \d+: code '621' is not 4 digits"):
        write_registry(copy)
