"""A page's memberships read by bounded lookups are the rows the table query gives, for every resource."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from plankg.domain.containers import TABLES
from plankg.domain.membership_lookup import memberships_of
from plankg.domain.store import load_store
from plankg.tables.queries import internal

from ..support import select

SETS = ("paa_dato", "kilder")


def membership_rows(store: ox.Store, cooperation: str | None = None, member: str | None = None) -> list[dict[str, str]]:
    """The rows of the table query (the CSV of /doc/samarbejde) for one cooperation or member: the reference."""
    bound = {ox.Variable("uri" if cooperation else "medlem"): ox.NamedNode(cooperation or member or "")}
    solutions = store.query(internal(TABLES["samarbejde"]), substitutions=bound)
    names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
    return [{n: s[n].value for n in names if s[n] is not None} for s in solutions]  # type: ignore[union-attr]  # GROUP_CONCAT gives no order: compared as sets


def normal(rows: list[dict[str, str]]) -> list[dict[str, object]]:
    def one(row: dict[str, str]) -> dict[str, object]:
        out: dict[str, object] = dict(row)
        for key in SETS:
            out[key] = frozenset(row.get(key, "").split())
        out["noter"] = frozenset(n for n in row.get("noter", "").split(" | ") if n)
        return out

    return sorted((one(r) for r in rows), key=lambda r: (str(r["navn"]), str(r["kode"]), str(r["medlem"])))


@pytest.fixture(scope="module")
def union_store(project_loaded):  # type: ignore[no-untyped-def]
    """The project's data as served: the named graphs and their union as the default graph."""
    store = load_store(project_loaded.quads)
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in project_loaded.quads)
    return store


def test_every_cooperation_and_member_has_the_same_rows_both_ways(union_store) -> None:  # type: ignore[no-untyped-def]
    cooperations = [
        r["c"]
        for r in select(
            union_store, "SELECT DISTINCT ?c WHERE { ?c a <http://www.w3.org/ns/org#OrganizationalCollaboration> }"
        )
    ]
    members = [
        r["m"] for r in select(union_store, "SELECT DISTINCT ?m WHERE { ?x <http://www.w3.org/ns/org#member> ?m }")
    ]
    assert len(cooperations) >= 19 and len(members) >= 98
    compared = 0
    for cooperation in cooperations:
        expected = membership_rows(union_store, cooperation=cooperation)
        assert normal(memberships_of(union_store, cooperation=cooperation)) == normal(expected), cooperation
        compared += len(expected)
    for member in members:
        expected = membership_rows(union_store, member=member)
        assert normal(memberships_of(union_store, member=member)) == normal(expected), member
    assert compared >= 200  # the memberships of every cooperation (the Finger Plan area is no cooperation)
    with pytest.raises(ValueError):
        memberships_of(union_store)
