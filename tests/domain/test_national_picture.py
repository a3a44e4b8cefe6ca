"""The national picture: every row of the founders' table is in the graph, with its source and its note.

The founders' tables are copied unchanged into tests/data/founders/; the expected answers are read
from them, never from plankg's own output.
"""

from __future__ import annotations

import csv

import pyoxigraph as ox
import pytest

from plankg.tables import project

from ..support import TEST_DATA, select

FOUNDERS = TEST_DATA / "founders"
ID = "https://w3id.org/plankg/id/"
NOTE = "https://w3id.org/plankg/def/core/note"


def rows(name: str) -> list[dict[str, str]]:
    with (FOUNDERS / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def plankg_table(name: str) -> list[dict[str, str]]:
    with (project.data_dir() / "samarbejder" / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_copy_is_the_235_rows_of_18_cooperations() -> None:
    table = rows("more-cooperations.csv")
    assert len(table) == 235 and len({r["samarbejde_id"] for r in table}) == 18


@pytest.fixture(scope="module")
def facts(store: ox.Store) -> dict[str, set[tuple[str, ...]]]:
    memberships = select(
        store,
        """PREFIX org: <http://www.w3.org/ns/org#> PREFIX dct: <http://purl.org/dc/terms/>
        PREFIX schema: <http://schema.org/> PREFIX plankg: <https://w3id.org/plankg/def/core/>
        SELECT ?org ?member ?url ?note { ?m a org:Membership ; org:organization ?org ; org:member ?member ;
          dct:source ?s . ?s schema:url ?url . OPTIONAL { ?m plankg:note ?note } }""",
    )
    areas = select(
        store,
        """PREFIX geo: <http://www.opengis.net/ont/geosparql#> PREFIX dct: <http://purl.org/dc/terms/>
        PREFIX schema: <http://schema.org/> PREFIX plankg: <https://w3id.org/plankg/def/core/>
        SELECT ?area ?member ?url ?note { ?area a plankg:PlanningArea ; dct:source ?s ; plankg:note ?note .
          ?s schema:url ?url . ?member dct:spatial/geo:sfWithin ?area }""",
    )
    return {
        "membership": {(r["org"], r["member"], r["url"], r.get("note", "")) for r in memberships},
        "area": {(r["area"], r["member"], r["url"], r["note"]) for r in areas},
    }


def test_every_row_is_in_the_graph_with_its_source_and_note(facts: dict[str, set[tuple[str, ...]]]) -> None:
    for row in rows("more-cooperations.csv"):
        member = f"{ID}kommune/{row['kode']}"
        if row["samarbejde_id"] == "hovedstadsomraadet-fingerplan":
            assert (f"{ID}omraade/{row['samarbejde_id']}", member, row["kilde_url"], row["note"]) in facts["area"]
        else:
            fact = (f"{ID}samarbejde/{row['samarbejde_id']}", member, row["kilde_url"], row["note"])
            assert fact in facts["membership"], row


def test_the_article_twos_notes_are_published(facts: dict[str, set[tuple[str, ...]]]) -> None:
    for row in rows("cooperations.csv"):
        fact = (f"{ID}samarbejde/{row['samarbejde_id']}", f"{ID}kommune/{row['kode']}", row["kilde_url"], row["note"])
        assert fact in facts["membership"], row
    # why Billund has no beginning, and that 2007 dates the organisation's present form
    notes: dict[str, str] = {}
    for org, member, _, note in facts["membership"]:
        if org.endswith("trekantomraadet"):
            notes[member.rsplit("/", 1)[1]] = notes.get(member.rsplit("/", 1)[1], "") + note
    assert "exact date not found" in notes["0530"] and "present organisation" in notes["0621"]


def test_every_date_keeps_the_precision_the_founders_give(store: ox.Store) -> None:
    found = select(
        store,
        """PREFIX org: <http://www.w3.org/ns/org#> PREFIX time: <http://www.w3.org/2006/time#>
        SELECT ?org ?member ?from ?to { ?m a org:Membership ; org:organization ?org ; org:member ?member .
          OPTIONAL { ?m org:memberDuring/time:hasBeginning/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?from }
          OPTIONAL { ?m org:memberDuring/time:hasEnd/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?to } }""",
    )
    dated = {
        (r["org"].rsplit("/", 1)[1], r["member"].rsplit("/", 1)[1]): (r.get("from", ""), r.get("to", "")) for r in found
    }
    for row in rows("more-cooperations.csv"):
        if row["samarbejde_id"] != "hovedstadsomraadet-fingerplan":
            assert dated[(row["samarbejde_id"], row["kode"])] == (row["medlem_fra"], row["medlem_til"]), row


def test_each_source_page_is_a_source_of_its_own_with_its_quotation(store: ox.Store) -> None:
    sources = select(
        store,
        """PREFIX dct: <http://purl.org/dc/terms/> PREFIX schema: <http://schema.org/>
        SELECT ?s ?url ?quote ?g { GRAPH ?g { ?s schema:url ?url ; dct:description ?quote } }""",
    )
    by_url = {r["url"]: r for r in sources}
    notes: dict[str, str] = {}
    for row in rows("more-cooperations.csv"):
        notes[row["kilde_url"]] = notes.get(row["kilde_url"], "") + row["note"]
    for url, text in notes.items():
        source = by_url[url]
        assert source["s"].startswith(ID + "kilde/") and source["g"] == source["s"].replace("/id/", "/graph/")
        # every quotation is the source's own words, as the founders' notes quote them
        quotes = [q.split("«")[0] for q in source["quote"].split("»")[1:]]
        assert quotes and all(q in text for q in quotes), url


def test_every_kind_appears_and_regions_are_members_where_the_source_says(store: ox.Store) -> None:
    kinds = select(
        store,
        """PREFIX org: <http://www.w3.org/ns/org#> PREFIX dct: <http://purl.org/dc/terms/>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?kind { ?x org:classification|dct:type ?kind .
          ?kind skos:inScheme <https://w3id.org/plankg/def/samarbejdstype> }""",
    )
    scheme = select(
        store,
        """SELECT ?c { ?c <http://www.w3.org/2004/02/skos/core#inScheme> <https://w3id.org/plankg/def/samarbejdstype> ;
        <http://www.w3.org/2004/02/skos/core#definition> ?da , ?en FILTER(LANG(?da) = "da" && LANG(?en) = "en") }""",
    )
    assert {r["kind"] for r in kinds} == {r["c"] for r in scheme} and len(scheme) == 7
    regions = select(
        store,
        """PREFIX org: <http://www.w3.org/ns/org#> SELECT ?org ?region { ?org org:hasMember ?region .
        ?region a <https://w3id.org/plankg/def/core/Region> }""",
    )
    assert {(r["org"].rsplit("/", 1)[1], r["region"].rsplit("/", 1)[1]) for r in regions} == {
        ("business-region-north-denmark", "1081"),
        ("greater-copenhagen", "1084"),
        ("greater-copenhagen", "1085"),
    }


def test_the_finger_plan_area_is_no_organisation(store: ox.Store) -> None:
    area = ID + "omraade/hovedstadsomraadet-fingerplan"
    types = {r["t"] for r in select(store, f"SELECT ?t {{ <{area}> a ?t }}")}
    assert "http://www.w3.org/ns/org#OrganizationalCollaboration" not in types
    assert "https://w3id.org/plankg/def/core/PlanningArea" in types
    inside = select(
        store,
        f"""SELECT ?m {{ ?m a <https://w3id.org/plankg/def/core/Municipality> ;
        <http://purl.org/dc/terms/spatial>/<http://www.opengis.net/ont/geosparql#sfWithin> <{area}> }}""",
    )
    assert len(inside) == 34 == sum(1 for r in rows("more-cooperations.csv") if "fingerplan" in r["samarbejde_id"])


def test_greater_copenhagen_says_its_swedish_members_are_not_listed(store: ox.Store) -> None:
    notes = select(store, f"SELECT ?note {{ <{ID}samarbejde/greater-copenhagen> <{NOTE}> ?note }}")
    assert any("Swedish" in r["note"] and "does not list" in r["note"] for r in notes)


def test_the_tables_name_only_sources_they_describe() -> None:
    described = {r["url"] for r in plankg_table("kilder.csv")}
    assert {r["kilde_url"] for r in rows("more-cooperations.csv")} <= described
