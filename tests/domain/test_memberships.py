"""The membership table: rows become sourced, dated memberships; a bad row is named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from plankg.domain.assemble import load_dataset
from plankg.domain.csvfiles import DataError
from plankg.domain.memberships import TABLE
from plankg.tables import project

from ..support import select

PREFIXES = """PREFIX org: <http://www.w3.org/ns/org#> PREFIX time: <http://www.w3.org/2006/time#>
PREFIX dct: <http://purl.org/dc/terms/> """


def table_rows() -> list[dict[str, str]]:
    import csv

    with (project.data_dir() / TABLE).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_membership_has_a_source_and_an_anchored_interval_or_a_note(store: ox.Store) -> None:
    rows = select(
        store,
        PREFIXES
        + """SELECT DISTINCT ?m { ?m a org:Membership ; dct:source ?source .
        { ?m org:memberDuring ?i . { ?i time:hasBeginning ?anchor } UNION { ?i time:inside ?anchor } }
        UNION { ?m <https://w3id.org/plankg/def/core/note> ?note FILTER NOT EXISTS { ?m org:memberDuring ?any } } }""",
    )
    memberships = select(store, PREFIXES + "SELECT DISTINCT ?m { ?m a org:Membership }")
    assert len(memberships) == len({(r["samarbejde"], r["enhed"], r["kode"]) for r in table_rows()})
    assert {r["m"] for r in rows} == {r["m"] for r in memberships}


def unit(row: dict[str, str]) -> str:
    return row["enhed"] + "/" if row["enhed"] else ""


def test_each_row_lives_in_the_graph_of_its_source(store: ox.Store) -> None:
    rows = select(
        store,
        PREFIXES
        + """SELECT ?g ?url ?m ?from { GRAPH ?g { ?m a org:Membership ; org:memberDuring ?i .
        ?i time:hasBeginning/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?from } .
        GRAPH ?g { ?s <http://schema.org/url> ?url } }""",
    )
    found = {(r["url"], r["m"].split("/samarbejde/")[1], r["from"]) for r in rows}
    expected = {
        (
            row["kilde_url"],
            f"{row['samarbejde']}/{row['enhed'] + '/' if row['enhed'] else ''}medlemskab/{row['kode']}",
            row["fra"],
        )
        for row in table_rows()
        if row["fra"]
    }
    assert found == expected and len(expected) > 100


def test_dates_keep_the_precision_of_the_source(store: ox.Store) -> None:
    rows = select(
        store,
        PREFIXES
        + """SELECT DISTINCT ?value (DATATYPE(?value) AS ?type) { ?m a org:Membership ;
        org:memberDuring/time:hasBeginning/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?value }""",
    )
    types = {4: "gYear", 7: "gYearMonth", 10: "date"}
    expected = {(row["fra"], types[len(row["fra"])]) for row in table_rows() if row["fra"]}
    assert {(r["value"], r["type"].rsplit("#", 1)[1]) for r in rows} == expected
    assert {"gYear", "gYearMonth", "date"} == {t for _, t in expected}


def copy_data(tmp_path: Path, old: str, new: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(project.data_dir(), data)
    table = data / TABLE
    text = table.read_text("utf-8")
    assert old in text
    table.write_text(text.replace(old, new, 1), "utf-8")
    return data


KOLDING_2007 = "trekantomraadet,,0621,Kolding,2007,"
HADERSLEV = "trekantomraadet,,0510,Haderslev,2016-01,"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (KOLDING_2007, "trekantomraadet,,0622,Kolding,2007,", r"unknown municipality or region code '0622'"),
        (KOLDING_2007, "trekantomraadet,,0621,Koldinge,2007,", r"municipality 0621 is 'Kolding' in the registry"),
        (KOLDING_2007, "trekantomraadt,,0621,Kolding,2007,", r"unknown cooperation 'trekantomraadt'"),
        (KOLDING_2007, "trekantomraadet,,0621,Kolding,2007-13,", r"fra '2007-13' is not a year"),
        (
            HADERSLEV + ",,,https://www.trekantomraadet.dk/om/,joined 'i januar 2016' (month precision)",
            "trekantomraadet,,0510,Haderslev,,,,,https://www.trekantomraadet.dk/om/,",
            r"a membership with no date \(fra, paa_dato\) needs a note",
        ),
        (
            "trekantomraadet,,0621,Kolding,,,2009-12-02",
            "trekantomraadet,,0621,Kolding,2008,,2009-12-02",
            r"fra '20\d\d' disagrees with row \d+ \('20\d\d'\)",
        ),
        (KOLDING_2007, "trekantomraadet,sekretariat,0621,Kolding,2007,", r"'sekretariat' \(enhed\) is not a board"),
        (
            "kkr-hovedstaden,,0101,København,2007,,,2026-12-31",
            "kkr-hovedstaden,,0101,København,2007,2030,,2026-12-31",
            r"kendt_til is a day \(YYYY-MM-DD\), and only for a membership whose end is not known",
        ),
        (
            "https://www.trekantomraadet.dk/om/,joined",
            "https://example.org/unknown,joined",
            r"source 'https://example.org/unknown'",
        ),
    ],
)
def test_a_bad_row_gives_an_error_naming_file_and_row(tmp_path: Path, old: str, new: str, message: str) -> None:
    data = copy_data(tmp_path, old, new)
    with pytest.raises(DataError, match=message) as error:
        load_dataset([data])
    text = str(error.value)
    assert str(data / TABLE) in text
    assert "row " in text


def test_the_row_number_is_the_line_in_the_file(tmp_path: Path) -> None:
    data = copy_data(tmp_path, KOLDING_2007, "trekantomraadet,,0622,Kolding,2007,")
    line = next(i for i, text in enumerate((data / TABLE).read_text("utf-8").splitlines(), start=1) if ",0622," in text)
    with pytest.raises(DataError, match=rf": row {line}: "):
        load_dataset([data])


def test_an_added_row_becomes_a_membership_in_the_graph_of_its_source(tmp_path: Path) -> None:
    data = copy_data(tmp_path, HADERSLEV, HADERSLEV)
    with (data / TABLE).open("a", encoding="utf-8") as table:
        table.write("trekantomraadet,,0563,Fanø,,2020,2009-12-02,,https://www.trekantomraadet.dk/om/,a test row\n")
    loaded = load_dataset([data])
    store = ox.Store()
    store.extend(loaded.quads)
    rows = select(
        store,
        PREFIXES
        + """SELECT ?g ?end { GRAPH ?g { <https://w3id.org/plankg/id/samarbejde/trekantomraadet/medlemskab/0563>
            org:memberDuring/time:hasEnd/time:inXSDgYear ?end } }""",
    )
    assert rows == [{"g": "https://w3id.org/plankg/graph/kilde/trekantomraadet-om", "end": "2020"}]
    assert any(
        "row " in f
        for f in loaded.files_by_node["https://w3id.org/plankg/id/samarbejde/trekantomraadet/medlemskab/0563"]
    )
