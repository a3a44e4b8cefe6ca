"""Named queries reshaped for the engine's plan answer exactly as their previous text did.

Each file in ``tests/data/queries-before/`` is a named query as it was before it was reshaped (steps
that start from what the step before found, types tested with FILTER EXISTS, nested OPTIONALs: README
"Queries"). On the project's data and on generated
data (``benchmarks/synthetic.py``: the project's data plus generated cooperations), with the declared
defaults and with parameters taken from the data, the named query and its previous text give the same
rows in the same order.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from plankg.domain.dataset import Loaded
from plankg.domain.store import load_store
from plankg.tables.queries import NamedQuery, find_query, parse_query_file, run_query

from ..support import TEST_DATA, select, synthetic_module

BEFORE = sorted((TEST_DATA / "queries-before").glob("*.rq"))
ORG = "http://www.w3.org/ns/org#"
PLANKG = "https://w3id.org/plankg/def/core/"
#: Days around the regions' change (2007, 2027), the article's day, and days of each precision's edge.
DAYS = ["2006-12-31", "2007-01-01", "2009-12-02", "2015-06-30", "2026-12-31", "2027-01-01", "2031-02-28"]


@pytest.fixture(scope="module")
def generated() -> ox.Store:
    return load_store(synthetic_module().generate(30_000))


def rows(store: ox.Store, query: NamedQuery, values: dict[str, str]) -> list[tuple[str | None, ...]]:
    solutions = run_query(store, query, values)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [tuple(None if s[n] is None else str(s[n]) for n in names) for s in solutions]


def parameters(store: ox.Store, query: NamedQuery, rng: random.Random) -> Iterator[dict[str, str]]:
    """The declared defaults, and values of each parameter taken from the data."""
    yield {}
    names = {p.name for p in query.parameters}
    if "date" in names:
        yield from ({"date": day} for day in DAYS)
    if "region" in names:  # every region, on days before, at and after the regions' change
        regions = sorted(row["r"] for row in select(store, f"SELECT ?r {{ ?r a <{PLANKG}Region> }}"))
        yield from ({"region": r, "date": day} for r in regions for day in DAYS[1::2])
    if "cooperation" in names and "code" in names:  # a membership: every one of a few cooperations
        found = select(
            store, f"SELECT ?c ?code {{ ?m <{ORG}organization> ?c ; <{ORG}member> ?x . ?x <{ORG}identifier> ?code }}"
        )
        pairs = sorted({(row["c"], row["code"]) for row in found})
        yield from ({"cooperation": c, "code": code} for c, code in rng.sample(pairs, min(25, len(pairs))))
    elif "cooperation" in names:
        found = select(store, f"SELECT DISTINCT ?c {{ ?c a <{ORG}OrganizationalCollaboration> }}")
        cooperations = sorted(row["c"] for row in found)
        yield from ({"cooperation": c} for c in rng.sample(cooperations, min(8, len(cooperations))))


def assert_alike(store: ox.Store, before_path_index: int) -> int:
    before = parse_query_file(BEFORE[before_path_index])
    now = find_query(BEFORE[before_path_index].stem)
    asked = 0
    for values in parameters(store, now, random.Random(2009)):
        expected = rows(store, before, values)
        assert rows(store, now, values) == expected, (now.name, values)
        asked += bool(expected)
    return asked


def test_every_reshaped_query_has_its_previous_text() -> None:
    assert len(BEFORE) >= 9
    for path in BEFORE:
        assert find_query(path.stem).text != parse_query_file(path).text


@pytest.mark.parametrize("index", range(len(BEFORE)), ids=[p.stem for p in BEFORE])
def test_a_reshaped_query_answers_as_before_on_the_project_data(store: ox.Store, index: int) -> None:
    assert assert_alike(store, index) >= 1  # at least one binding with rows: the comparison means something


@pytest.mark.parametrize("index", range(len(BEFORE)), ids=[p.stem for p in BEFORE])
def test_a_reshaped_query_answers_as_before_on_generated_data(generated: ox.Store, index: int) -> None:
    # no row to compare is possible here: every municipality is a member of some generated cooperation
    assert assert_alike(generated, index) >= (BEFORE[index].stem != "municipalities-without-cooperation")


def test_board_members_with_a_second_interval_without_a_day(project_loaded: Loaded) -> None:
    """A seat held in two intervals, only one with a day a source shows: the rows of the previous text
    (its OPTIONAL path), not one more without the day, as nested OPTIONALs alone would give."""
    store = load_store(project_loaded.quads)
    seats = select(store, f"SELECT DISTINCT ?m {{ ?m <{ORG}member> ?post . ?post <{ORG}postIn> ?x }}")
    graph = ox.NamedNode("https://w3id.org/plankg/graph/test")
    for seat in seats:
        interval = ox.NamedNode(seat["m"] + "/another-interval")
        store.add(ox.Quad(ox.NamedNode(seat["m"]), ox.NamedNode(ORG + "memberDuring"), interval, graph))
    before = parse_query_file(TEST_DATA / "queries-before" / "board-members.rq")
    expected = rows(store, before, {})
    assert expected and any(row[-2] is not None for row in expected)  # some seats have a day: ?on is bound
    assert rows(store, find_query("board-members"), {}) == expected
