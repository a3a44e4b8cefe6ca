"""Every named query answers its competency question; expected answers come from the sources.

The expected members, themes and fora are read from the Plan09 article's own text
(data/kilder/*.txt), so these tests check the graph against the source, not against itself.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import shapely

from plankg.domain.assemble import load_dataset
from plankg.domain.dataset import Loaded
from plankg.domain.store import load_store
from plankg.tables import project
from plankg.tables.queries import QueryError, find_query, list_queries, run_query

from ..support import ARTICLE, TEST_DATA, TREKANT, VESTEGN, names_in, run_cli

TREKANT_2009 = names_in(r"Trekantområdet består af (.+?) kommuner")
VESTEGN_2009 = names_in(r"Vestegnssamarbejdet består af (.+?) kommuner")
FORA_THEMES = names_in(r"hvor emnerne; (.+?), behandles")
TREKANT_THEMES = names_in(r"indenfor emnerne; (.+?)\.")
VESTEGN_THEMES = names_in(r"fokuserer på udvikling af (.+?)\.")


def answer(store: ox.Store, name: str, **values: str) -> list[dict[str, str]]:
    query = find_query(name)
    solutions = run_query(store, query, values)
    names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
    return [{n: s[n].value for n in names if s[n] is not None} for s in solutions]  # type: ignore[union-attr]


def test_the_article_lists_are_what_the_tests_expect() -> None:
    assert len(TREKANT_2009) == 6 and len(VESTEGN_2009) == 8 and len(FORA_THEMES) == 6


def test_every_query_file_says_what_it_asks_and_parses(store: ox.Store) -> None:
    queries = list_queries()
    assert len(queries) >= 10
    for query in queries:
        assert query.title != query.name and query.description, query.name
        for parameter in query.parameters:
            assert re.search(rf"SELECT[^{{]*\?{parameter.name}\b", query.text), (query.name, parameter.name)
        run_query(store, query, {})


def members(store: ox.Store, date: str, cooperation: str, state: str = "member") -> set[str]:
    rows = answer(store, "members-on-date", date=date, cooperation=cooperation)
    return {r["name"] for r in rows if r["state"] == state}


def test_members_on_the_day_of_the_article(store: ox.Store) -> None:
    assert members(store, "2009-12-02", TREKANT) == TREKANT_2009
    assert members(store, "2009-12-02", VESTEGN) == VESTEGN_2009


def test_members_today_include_haderslev_and_billund_is_last_documented(store: ox.Store) -> None:
    # Billund is known only from the article's day: today it is "last documented", not a member.
    assert members(store, "2026-11-26", TREKANT) == TREKANT_2009 - {"Billund"} | {"Haderslev"}
    rows = answer(store, "members-on-date", date="2026-11-26", cooperation=TREKANT)
    (billund,) = [r for r in rows if r["name"] == "Billund"]
    assert (billund["state"], billund["lastDocumented"]) == ("last documented", "2009-12-02")


def test_members_in_2008_are_those_known_from_2007(store: ox.Store) -> None:
    # Billund's start is unknown (only the article's day is), Haderslev joined in January 2016.
    assert members(store, "2008-06-01", TREKANT) == TREKANT_2009 - {"Billund"}
    assert members(store, "2008-06-01", TREKANT, "not known") == {"Billund", "Haderslev"}
    assert members(store, "2015-12-31", TREKANT) == TREKANT_2009 - {"Billund"}
    assert "Haderslev" in members(store, "2016-01-01", TREKANT)


def csv_rows(name: str) -> list[dict[str, str]]:
    import csv

    with (project.data_dir() / "samarbejder" / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_members_on_a_date_for_all_cooperations(store: ox.Store) -> None:
    rows = answer(store, "members-on-date", date="2009-12-02")
    held = [r for r in rows if r["state"] == "member"]
    assert {r["name"] for r in held if r["cooperation"] == TREKANT} == TREKANT_2009
    assert {r["name"] for r in held if r["cooperation"] == VESTEGN} == VESTEGN_2009
    # every municipality membership of the table has a row, in exactly one state
    memberships = {(r["samarbejde"], r["kode"]) for r in csv_rows("medlemskaber.csv") if not r["enhed"]}
    municipal = {(c, k) for c, k in memberships if not k.startswith("10")}
    assert {(r["cooperation"].rsplit("/", 1)[1], r["code"]) for r in rows} == municipal
    assert {r["state"] for r in rows} <= {"member", "last documented", "not known"}


@pytest.mark.parametrize(
    ("cooperation", "code", "day", "state", "documented"),
    [
        ("vestegnssamarbejdet", "0165", "2009-12-01", "not known", None),
        ("vestegnssamarbejdet", "0165", "2009-12-02", "member", None),  # through time:inside
        ("vestegnssamarbejdet", "0165", "2026-12-01", "last documented", "2009-12-02"),
        ("trekantomraadet", "0510", "2015-12-31", "not known", None),
        ("trekantomraadet", "0510", "2016-01-31", "member", None),  # joined "i januar 2016"
        ("forpligtende-samarbejde-vallensbaek-ishoej", "0187", "2021-12-31", "member", None),
        ("forpligtende-samarbejde-vallensbaek-ishoej", "0187", "2022-01-01", "last documented", "2021-12-31"),
        ("greater-copenhagen", "0101", "2026-12-01", "not known", None),  # no source dates it
        ("business-region-aarhus", "0710", "2016-06-30", "member", None),  # "har i 2016 følgende 12 kommuner"
        ("business-region-aarhus", "0710", "2020-06-30", "last documented", "2016"),
    ],
)
def test_the_three_states_on_chosen_days(
    store: ox.Store, cooperation: str, code: str, day: str, state: str, documented: str | None
) -> None:
    from plankg.domain.evidence import Evidence, state_on

    rows = answer(
        store, "members-on-date", date=day, cooperation=f"https://w3id.org/plankg/id/samarbejde/{cooperation}"
    )
    (row,) = [r for r in rows if r["code"] == code]
    assert (row["state"], row.get("lastDocumented")) == (state, documented)
    # the same rule in Python (pages, GeoJSON), from the table's own columns
    table = [
        r for r in csv_rows("medlemskaber.csv") if (r["samarbejde"], r["kode"], r["enhed"]) == (cooperation, code, "")
    ]
    begin = next((r["fra"] for r in table if r["fra"]), "")
    end = next((r["til"] for r in table if r["til"]), "")
    evidence = Evidence(begin, end, [r["paa_dato"] for r in table if r["paa_dato"]])
    assert state_on(evidence, day) == (state, documented or "")


def test_shared_themes_include_erhverv_and_uddannelse(store: ox.Store) -> None:
    rows = answer(store, "shared-themes", a=TREKANT, b=VESTEGN)
    assert {r["themeLabel"] for r in rows} == TREKANT_THEMES & VESTEGN_THEMES == {"erhverv", "uddannelse"}


def test_board_members_are_the_mayors_of_the_members(store: ox.Store) -> None:
    rows = answer(store, "board-members")
    by_cooperation: dict[str, set[str]] = {}
    for row in rows:
        by_cooperation.setdefault(row["cooperation"], set()).add(row["name"])
        assert row["post"] == row["municipality"] + "/post/borgmester"
        assert row["on"] == "2009-12-02"
    assert by_cooperation == {TREKANT: TREKANT_2009, VESTEGN: VESTEGN_2009}


def test_vestegnens_six_fora_and_their_themes(store: ox.Store) -> None:
    rows = answer(store, "fora-and-themes")
    assert {r["themeLabel"] for r in rows} == FORA_THEMES
    assert len({r["forum"] for r in rows}) == 6
    assert all(r["task"] in ARTICLE for r in rows)


def test_planning_instruments_by_cooperation(store: ox.Store) -> None:
    rows = answer(store, "planning-instruments")
    direct = {(r["cooperationLabel"], r["instrumentLabel"]) for r in rows if r["direct"] == "true"}
    assert direct == {
        ("Trekantområdet", "planstrategi"),
        ("Trekantområdet", "kommuneplanens hovedstruktur"),
        ("Vestegnssamarbejdet", "planstrategi"),
    }
    assert ("Trekantområdet", "kommuneplan") in {(r["cooperationLabel"], r["instrumentLabel"]) for r in rows}


def test_the_source_of_haderslevs_membership(store: ox.Store) -> None:
    (row,) = answer(store, "membership-source", cooperation=TREKANT, code="0510")
    assert row["url"] == "https://www.trekantomraadet.dk/om/"
    assert row["from"] == "2016-01"
    assert row["graph"] == "https://w3id.org/plankg/graph/kilde/trekantomraadet-om"


def test_the_sources_of_koldings_membership(store: ox.Store) -> None:
    rows = answer(store, "membership-source", cooperation=TREKANT, code="0621")
    assert {r["url"] for r in rows} == {
        "https://www.trekantomraadet.dk/om/",
        "https://www.byplanlab.dk/plan09/www.plan09.dk/Inspiration/planstrategi/Tvaer_komm_planstrategi.htm",
    }


def test_neighbouring_members_agree_with_the_boundaries(store: ox.Store) -> None:
    collection = json.loads((project.data_dir() / "registry" / "kommuner.geojson").read_text("utf-8"))
    shapes = {f["properties"]["navn"]: shapely.geometry.shape(f["geometry"]) for f in collection["features"]}
    for cooperation, names in ((TREKANT, TREKANT_2009 | {"Haderslev"}), (VESTEGN, VESTEGN_2009)):
        expected = {frozenset((a, b)) for a in names for b in names if a < b and shapes[a].touches(shapes[b])}
        rows = answer(store, "neighbouring-members", cooperation=cooperation)
        assert {frozenset((r["aName"], r["bName"])) for r in rows} == expected
        assert expected


def cooperations_per_municipality() -> dict[str, set[str]]:
    """Municipality code → the cooperations the tables show it in, KKR left out."""
    found: dict[str, set[str]] = {}
    for row in csv_rows("medlemskaber.csv"):
        if not row["enhed"] and not row["samarbejde"].startswith("kkr-") and not row["kode"].startswith("10"):
            found.setdefault(row["kode"], set()).add(row["samarbejde"])
    return found


def test_municipalities_in_no_cooperation_besides_kkr(store: ox.Store) -> None:
    rows = answer(store, "municipalities-without-cooperation")
    assert {r["code"] for r in rows}.isdisjoint(cooperations_per_municipality())
    assert len(rows) == 98 - len(cooperations_per_municipality()) > 0


def test_municipalities_in_several_cooperations(store: ox.Store) -> None:
    rows = answer(store, "municipalities-in-several-cooperations")
    expected = {code: len(c) for code, c in cooperations_per_municipality().items() if len(c) > 1}
    assert {r["code"]: int(r["cooperations"]) for r in rows} == expected
    assert (
        expected["0187"] >= 3
    )  # Vallensbæk: Vestegnssamarbejdet, the binding cooperation with Ishøj, Greater Copenhagen


def test_municipalities_in_several_cooperations_with_a_third_cooperation() -> None:
    loaded = load_dataset([project.data_dir(), TEST_DATA / "extra" / "third-cooperation.trig"])
    rows = answer(load_store(loaded.quads), "municipalities-in-several-cooperations")
    counts = {r["name"]: int(r["cooperations"]) for r in rows}
    known = cooperations_per_municipality()
    assert counts["Kolding"] == len(known["0621"]) + 1 and counts["Albertslund"] == len(known["0165"]) + 1


def test_translations_are_marked_and_cover_every_quotation(store: ox.Store) -> None:
    rows = answer(store, "translated-text")
    translated = {(r["resource"], r["property"]) for r in rows}
    assert all(r["graph"].startswith("https://w3id.org/plankg/graph/oversaettelse/") for r in rows)
    # Danish text from the sources; a name given in both languages in the source graph itself is no quotation.
    quoted = store.query("""SELECT ?s ?p { GRAPH ?g { ?s ?p ?o } VALUES ?g {
            <https://w3id.org/plankg/graph/kilde/plan09-2009-12-02>
            <https://w3id.org/plankg/graph/kilde/trekantomraadet-om> }
        FILTER(LANG(?o) = "da")
        FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?english } FILTER(LANG(?english) = "en") } }""")
    quotations = {(s[0].value, s[1].value) for s in quoted}  # type: ignore[union-attr]
    assert len(quotations) > 40
    assert quotations - translated == set()


def test_translated_text_is_every_english_text_of_every_translation_graph(project_loaded: Loaded) -> None:
    prefix = "https://w3id.org/plankg/graph/oversaettelse/"
    derived = {  # each graph's source, as the graph itself says
        (q.graph_name.value, q.object.value)
        for q in project_loaded.quads
        if q.subject == q.graph_name and q.predicate.value == "http://www.w3.org/ns/prov#wasDerivedFrom"
    }
    expected = {
        (q.subject.value, q.predicate.value, q.object.value, q.graph_name.value)
        for q in project_loaded.quads
        if isinstance(q.graph_name, ox.NamedNode)
        and q.graph_name.value.startswith(prefix)
        and isinstance(q.object, ox.Literal)
        and q.object.language == "en"
    }
    # the graphs the build writes (the registry's and the cooperations' names) are among them, described
    assert {f"{prefix}register", f"{prefix}samarbejder"} <= {graph for *_, graph in expected}
    rows = answer(load_store(project_loaded.quads), "translated-text")
    assert {(r["resource"], r["property"], r["translation"], r["graph"]) for r in rows} == expected
    assert {(r["graph"], r["translationOf"]) for r in rows if "translationOf" in r} == {
        pair for pair in derived if pair[0].startswith(prefix)
    }


def test_no_english_text_outside_the_translation_graphs_of_the_article(store: ox.Store) -> None:
    rows = store.query("""ASK { GRAPH <https://w3id.org/plankg/graph/kilde/plan09-2009-12-02> { ?s ?p ?o }
        FILTER(LANG(?o) = "en") }""")
    assert not bool(rows)


def test_quoted_descriptions_are_verbatim_from_the_article(store: ox.Store) -> None:
    rows = store.query("""PREFIX dct: <http://purl.org/dc/terms/> SELECT ?text {
        GRAPH <https://w3id.org/plankg/graph/kilde/plan09-2009-12-02> { ?s dct:description ?text } }""")
    texts = [r[0].value for r in rows]  # type: ignore[union-attr]
    assert len(texts) > 10
    assert [t for t in texts if " ".join(t.split()) not in ARTICLE] == []


def test_aims_and_vision_are_quoted_and_translated(store: ox.Store) -> None:
    rows = answer(store, "aims-and-vision")
    assert {(r["cooperation"], r["type"]) for r in rows} == {(TREKANT, "vision"), (VESTEGN, "hovedformål")}
    assert len(rows) == 3
    for row in rows:
        assert row["danish"].rstrip(".") in ARTICLE and row["english"]


def test_the_secretariat_is_supported_by_the_group_and_the_directors(store: ox.Store) -> None:
    rows = answer(store, "secretariat-support")
    directors = {r["supporter"] for r in rows if r["supporter"].endswith("/post/kommunaldirektoer")}
    assert len(directors) == len(VESTEGN_2009)
    assert VESTEGN + "/sekretariatsgruppe" in {r["supporter"] for r in rows}


def test_municipalities_of_a_region(store: ox.Store) -> None:
    import csv

    with (project.data_dir() / "registry" / "municipalities.csv").open(encoding="utf-8") as handle:
        expected = {r["kode"] for r in csv.DictReader(handle) if r["regionskode"] == "1083"}
    rows = answer(store, "municipalities-of-region")
    assert {r["code"] for r in rows} == expected
    assert all(r["wikidata"].startswith("http://www.wikidata.org/entity/Q") for r in rows)


def test_parameters_are_typed_by_their_declaration(store: ox.Store) -> None:
    query = find_query("members-on-date")
    (date,) = [p for p in query.parameters if p.name == "date"]
    assert date.type == "xsd:date" and date.default == "2009-12-02"
    with pytest.raises(QueryError, match="not a valid xsd:date"):
        run_query(store, query, {"date": "2009-13-45"})
    with pytest.raises(QueryError, match="unknown parameter"):
        run_query(store, query, {"year": "2009"})
    # A value is bound, never spliced: SPARQL in a value is just a (non-matching) string.
    assert answer(store, "membership-source", cooperation=TREKANT, code='0510" } UNION { ?s ?p ?o') == []


def test_the_query_command_prints_a_table_csv_and_json() -> None:
    table = run_cli("query", "members-on-date", "--param", "date=2026-11-26", "--param", f"cooperation={TREKANT}")
    assert table.returncode == 0, table.stderr
    assert "Haderslev" in table.stdout and "(7 rows)" in table.stdout
    csv_out = run_cli("query", "shared-themes", "--format", "csv")
    assert csv_out.stdout.splitlines()[0].startswith("theme,themeLabel")
    json_out = json.loads(run_cli("query", "fora-and-themes", "--format", "json").stdout)
    assert len(json_out["results"]["bindings"]) == 6


def test_the_query_command_rejects_bad_input_with_exit_2(tmp_path: Path) -> None:
    assert run_cli("query", "no-such-query").returncode == 2
    assert run_cli("query", "members-on-date", "--param", "date=yesterday").returncode == 2
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT * WHERE { ?s ?p }", "utf-8")
    result = run_cli("query", str(bad))
    assert result.returncode == 2 and "syntax" in result.stderr.lower()


def test_members_on_date_and_the_python_rule_agree_on_every_boundary_day(project_loaded: Loaded) -> None:
    """The named query (day bounds written at build time) and ``evidence.state_on`` (the pages, the
    GeoJSON, the map) give every membership the same state on the day before, the first and the last
    day of, and the day after every date the data hold, at each precision."""
    import datetime as dt

    from plankg.domain.evidence import state_on
    from plankg.domain.geo import load_atlas
    from plankg.domain.region_lifetimes import first_day, last_day

    # the query and the atlas read the default graph as the union of the graphs, as in the served store
    store = load_store(ox.Quad(q.subject, q.predicate, q.object) for q in project_loaded.quads)
    atlas = load_atlas(store)
    rule = {
        (cooperation, place.uri): evidence
        for place in atlas.places.values()
        for cooperation, evidence in place.memberships.items()
    }
    values = {v for e in rule.values() for v in (e.begin, e.end, e.horizon, *e.seen) if v}
    assert any(len(v) == 4 for v in values) and any(len(v) == 10 for v in values)  # several precisions
    one = dt.timedelta(days=1)
    days = {d for v in values for d in (first_day(v) - one, first_day(v), last_day(v), last_day(v) + one)}
    compared = 0
    for day in sorted(days):
        for row in answer(store, "members-on-date", date=day.isoformat()):
            evidence = rule[(row["cooperation"], row["municipality"])]
            expected = state_on(evidence, day.isoformat())
            assert (row["state"], row.get("lastDocumented", "")) == expected, (row, day, evidence)
            compared += 1
    assert compared > 1000


def test_day_bounds_cover_each_precision_and_are_not_repeated() -> None:
    from plankg.domain.day_bounds import day_bounds
    from plankg.domain.namespaces import PLANKG, TIME, XSD

    first, last = str(PLANKG.firstDay), str(PLANKG.lastDay)
    graph = ox.NamedNode("https://w3id.org/plankg/graph/kilde/test")

    def dated(name: str, prop: str, value: str, datatype: str) -> ox.Quad:
        literal = ox.Literal(value, datatype=ox.NamedNode(str(XSD[datatype])))
        return ox.Quad(ox.NamedNode(f"https://example.org/{name}"), ox.NamedNode(str(TIME[prop])), literal, graph)

    quads = [
        dated("year", "inXSDgYear", "2016", "gYear"),
        dated("month", "inXSDgYearMonth", "2024-02", "gYearMonth"),
        dated("day", "inXSDDate", "2009-12-02", "date"),
        dated("broken", "inXSDDate", "2009-13-45", "date"),
    ]
    bounds = {(q.subject.value.rsplit("/", 1)[1], q.predicate.value, q.object.value) for q in day_bounds(quads)}  # type: ignore[union-attr]
    assert bounds == {
        ("year", first, "2016-01-01"),
        ("year", last, "2016-12-31"),
        ("month", first, "2024-02-01"),
        ("month", last, "2024-02-29"),
        ("day", first, "2009-12-02"),
        ("day", last, "2009-12-02"),
    }
    assert all(q.graph_name == graph for q in day_bounds(quads))
    derived = day_bounds(quads)
    assert day_bounds(quads + derived) == []  # bounds the data already state are not written twice
