"""Regions in time: lifetimes, Region Østdanmark, the 2027 merger, one region a day, and taking a code in."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import shapely

from plankg.domain.csvfiles import DataError
from plankg.domain.linking import parse_snapshot, reconcile
from plankg.domain.registry import build_registry
from plankg.domain.registry_update import write_snapshot
from plankg.tables import project
from plankg.tables.queries import find_query, run_query

from ..support import select

REGISTRY = project.data_dir() / "registry"
ID = "https://w3id.org/plankg/id/"
OESTDANMARK = ID + "region/oestdanmark"


def table(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_table(folder: Path, name: str, rows: list[dict[str, str]]) -> None:
    with (folder / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def municipalities_by_region() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for row in table(REGISTRY, "municipalities.csv"):
        found.setdefault(row["regionskode"], set()).add(row["kode"])
    return found


def regions_on(store: ox.Store, day: str) -> dict[str, str]:
    """Municipality code → the key of its region on ``day``, by the named query."""
    solutions = run_query(store, find_query("region-on-date"), {"date": day})
    return {s["code"].value: s["region"].value.rsplit("/", 1)[1] for s in solutions}  # type: ignore[index, union-attr]


def test_every_municipality_has_exactly_one_region_on_each_day_and_none_before_2007(store: ox.Store) -> None:
    by_region = municipalities_by_region()
    codes = set().union(*by_region.values())
    query = find_query("region-on-date")
    for day in ("2007-01-01", "2016-06-30", "2026-12-31", "2027-01-01", "2040-01-01"):
        solutions = list(run_query(store, query, {"date": day}))  # type: ignore[arg-type]
        assert sorted(s["code"].value for s in solutions) == sorted(codes), day  # type: ignore[index, union-attr]
    assert list(run_query(store, query, {"date": "2006-12-31"})) == []  # type: ignore[arg-type]


def test_albertslund_moves_to_region_oestdanmark_and_kolding_stays(store: ox.Store) -> None:
    before, after = regions_on(store, "2026-12-31"), regions_on(store, "2027-01-01")
    assert (before["0165"], after["0165"]) == ("1084", "oestdanmark")
    assert (before["0621"], after["0621"]) == ("1083", "1083")
    assert len(set(before.values())) == 5 and len(set(after.values())) == 4
    # exactly the municipalities of Hovedstaden and Sjælland move, and nothing else changes
    by_region = municipalities_by_region()
    moved = {code for code in before if before[code] != after[code]}
    assert moved == by_region["1084"] | by_region["1085"] and len(moved) == 46
    assert {after[code] for code in moved} == {"oestdanmark"}


def test_municipalities_of_region_takes_a_date(store: ox.Store) -> None:
    query = find_query("municipalities-of-region")
    by_region = municipalities_by_region()

    def codes(region: str, day: str) -> set[str]:
        solutions = run_query(store, query, {"region": ID + "region/" + region, "date": day})
        return {s["code"].value for s in solutions}  # type: ignore[index, union-attr]

    assert codes("1084", "2026-12-31") == by_region["1084"] and codes("1084", "2027-01-01") == set()
    assert codes("oestdanmark", "2026-12-31") == set()
    assert codes("oestdanmark", "2027-01-01") == by_region["1084"] | by_region["1085"]
    assert codes("1083", "2026-12-31") == codes("1083", "2027-01-01") == by_region["1083"]


def test_region_oestdanmarks_territory_is_the_union_of_its_46_municipalities(store: ox.Store) -> None:
    wkt = {
        r["x"]: r["wkt"]
        for r in select(
            store,
            """SELECT ?x ?wkt { ?x <http://purl.org/dc/terms/spatial>/<http://www.opengis.net/ont/geosparql#hasGeometry>/
            <http://www.opengis.net/ont/geosparql#asWKT> ?wkt }""",
        )
    }
    by_region = municipalities_by_region()
    members = [shapely.from_wkt(wkt[ID + "kommune/" + code]) for code in by_region["1084"] | by_region["1085"]]
    assert len(members) == 46
    territory = shapely.from_wkt(wkt[OESTDANMARK])
    assert shapely.union_all(members).symmetric_difference(territory).area < 1e-8


def test_the_merger_is_a_dated_change_event_with_the_law_as_its_source(store: ox.Store) -> None:
    rows = select(
        store,
        """PREFIX org: <http://www.w3.org/ns/org#> PREFIX dct: <http://purl.org/dc/terms/>
        PREFIX schema: <http://schema.org/>
        SELECT ?event ?date ?original ?url ?quote { ?event a org:ChangeEvent ; dct:date ?date ;
          org:resultingOrganization <https://w3id.org/plankg/id/region/oestdanmark> ;
          org:originalOrganization ?original ;
          dct:source ?source . ?source schema:url ?url ; dct:description ?quote }""",
    )
    assert {r["original"] for r in rows} == {ID + "region/1084", ID + "region/1085"}
    assert {r["date"] for r in rows} == {"2027-01-01"}
    sources = {row["slug"]: row for row in table(REGISTRY, "sources.csv")}
    assert {r["url"] for r in rows} == {sources["overgangsloven-126"]["upstream"]}
    assert {r["quote"] for r in rows} == {sources["overgangsloven-126"]["citat"]}
    assert "Region Østdanmark overtager den 1. januar 2027" in rows[0]["quote"]


def test_lifetimes_keep_the_precision_their_sources_give(store: ox.Store) -> None:
    rows = select(
        store,
        """PREFIX time: <http://www.w3.org/2006/time#> PREFIX plankg: <https://w3id.org/plankg/def/core/>
        PREFIX dct: <http://purl.org/dc/terms/>
        SELECT ?region ?bound ?value ?source { ?region plankg:lifetime ?l . ?l ?bound ?i .
          ?i time:inXSDDate|time:inXSDgYear ?value ; dct:source ?source }""",
    )
    bounds = {(r["region"].rsplit("/", 1)[1], r["bound"].rsplit("#", 1)[1]): r["value"] for r in rows}
    for row in table(REGISTRY, "regions.csv"):
        key = row["slug"] or row["kode"]
        assert bounds[(key, "hasBeginning")] == row["fra"]
        assert bounds.get((key, "hasEnd"), "") == row["til"]
    assert bounds[("1084", "hasEnd")] == bounds[("1085", "hasEnd")] == "2026-12-31"
    assert bounds[("1081", "hasBeginning")] == "2007"  # a year, as the source gives it


@pytest.fixture
def registry_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "registry"
    shutil.copytree(REGISTRY, copy)
    return copy


@pytest.mark.parametrize(
    ("begins", "message"),
    [("2027-01-02", "lies in no region from 2027-01-01"), ("2026-12-31", "lies in two regions at once")],
)
def test_the_build_refuses_a_gap_or_an_overlap_between_regions(registry_copy: Path, begins: str, message: str) -> None:
    rows = table(registry_copy, "regions.csv")
    next(r for r in rows if r["slug"] == "oestdanmark")["fra"] = begins
    write_table(registry_copy, "regions.csv", rows)
    with pytest.raises(DataError, match=message):
        build_registry(registry_copy)


def constructed_snapshot() -> bytes:
    """A registry snapshot in DAGI's shapes after the merger: Region Østdanmark with a code and validity."""
    regions = json.loads((Path(__file__).parents[1] / "data" / "dawa" / "dawa-sample-regioner.json").read_text())
    regions = [r for r in regions if r["kode"] not in ("1084", "1085")]
    regions.append(
        {
            "kode": "1086",
            "navn": "Region Østdanmark",
            "dagi_id": "999086",
            "nuts2": "",
            "virkningFra": "2027-01-01T00:00:00.000000+01:00",
            "virkningTil": None,
        }
    )
    albertslund = {"kode": "0165", "navn": "Albertslund", "regionskode": "1086", "regionsnavn": "Region Østdanmark"}
    return json.dumps([*regions, albertslund], ensure_ascii=False).encode("utf-8")


def test_a_snapshot_with_region_oestdanmarks_code_is_reported_and_taken_in(registry_copy: Path) -> None:
    records = parse_snapshot(constructed_snapshot(), "constructed.json")
    report = reconcile(records, registry_copy, "constructed.json")
    (code,) = [f for f in report.findings if f.category == "code"]
    assert (code.name, code.code) == ("Region Østdanmark", "1086") and "2027-01-01" in code.note
    (moved,) = [f for f in report.findings if f.code == "0165"]
    assert moved.category == "successor" and moved.explained  # Albertslund is where the lifetimes say

    written = write_snapshot(records, registry_copy, "https://example.invalid/dagi", "2027-01-05")
    assert str(registry_copy / "regions.csv") in written
    row = next(r for r in table(registry_copy, "regions.csv") if r["slug"] == "oestdanmark")
    assert (row["kode"], row["dagi_id"], row["gyldig_fra"]) == ("1086", "999086", "2027-01-01T00:00:00.000000+01:00")
    albertslund = next(r for r in table(registry_copy, "municipalities.csv") if r["kode"] == "0165")
    assert albertslund["regionskode"] == "1084"  # kept: the move is the region's lifetime, not a new code

    graph = ox.Store()
    graph.extend(build_registry(registry_copy))
    facts = select(graph, f"SELECT ?p ?o {{ <{OESTDANMARK}> ?p ?o }}")
    values = {(f["p"].rsplit("#", 1)[-1].rsplit("/", 1)[-1], f["o"]) for f in facts}
    assert ("identifier", "1086") in values and ("identifier", "999086") in values
    assert ("validFrom", "2027-01-01T00:00:00.000000+01:00") in values
    assert not any(f["o"].startswith(ID + "region/1086") for f in facts)  # the URI stays /id/region/oestdanmark


def test_the_kkr_of_the_merging_regions_are_not_extended_into_2027(store: ox.Store) -> None:
    """No source says what happens to KKR Hovedstaden and KKR Sjælland when their regions end: from
    2027-01-01 their memberships are last documented on 2026-12-31, while KKR Syddanmark's go on."""
    query = find_query("members-on-date")

    def states(cooperation: str, day: str) -> set[tuple[str, str | None]]:
        solutions = run_query(store, query, {"date": day, "cooperation": f"{ID}samarbejde/{cooperation}"})
        return {(s["state"].value, s["lastDocumented"].value if s["lastDocumented"] else None) for s in solutions}  # type: ignore[index, union-attr]

    for cooperation in ("kkr-hovedstaden", "kkr-sjaelland"):
        assert states(cooperation, "2026-12-31") == {("member", None)}
        assert states(cooperation, "2027-01-01") == {("last documented", "2026-12-31")}
    assert states("kkr-syddanmark", "2027-01-01") == {("member", None)}
    notes = select(
        store,
        f"""SELECT ?note {{ <{ID}samarbejde/kkr-hovedstaden> <https://w3id.org/plankg/def/core/note> ?note }}""",
    )
    assert any("not known" in r["note"] for r in notes)
