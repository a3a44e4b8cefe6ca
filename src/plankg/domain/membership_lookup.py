"""One resource's memberships with their dates, read by lookups bounded by the resource.

A page asks about one cooperation's members or one municipality's cooperations: the rows of the
table ``collection-samarbejde.rq`` for that resource. That query groups every membership of the
dataset before it can pick one resource's (its cost grows with the dataset); here the same rows
are read by following the resource's own links: its memberships (``org:organization`` or
``org:member``), each membership's interval and instants, the cooperation's and member's names.
The cost grows with the resource's memberships only. A test compares both ways on every cooperation
and every municipality.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from plankg.tables.vocab import PREFIXES

ORG = "http://www.w3.org/ns/org#"
SKOS_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
TIME = "http://www.w3.org/2006/time#"
PLANKG = PREFIXES["plankg"]
COLLABORATION = ox.NamedNode(ORG + "OrganizationalCollaboration")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
VALUES = tuple(ox.NamedNode(TIME + p) for p in ("inXSDDate", "inXSDgYearMonth", "inXSDgYear"))


def _objects(store: Any, subject: ox.NamedNode, predicate: str | ox.NamedNode) -> list[Any]:
    """The distinct objects of one subject and predicate (every graph, the union once)."""
    node = predicate if isinstance(predicate, ox.NamedNode) else ox.NamedNode(predicate)
    return list(dict.fromkeys(q.object for q in store.quads_for_pattern(subject, node, None, None)))


def _danish_label(store: Any, node: ox.NamedNode) -> str | None:
    labels = [o.value for o in _objects(store, node, SKOS_LABEL) if isinstance(o, ox.Literal) and o.language == "da"]
    return labels[0] if labels else None


def _dates(store: Any, intervals: list[Any], predicate: str, values: tuple[ox.NamedNode, ...] = VALUES) -> list[str]:
    """The date values of the instants the intervals point at by ``predicate`` (at their precision)."""
    found: list[str] = []
    for interval in intervals:
        for instant in _objects(store, interval, predicate):
            for value in values:
                found += [o.value for o in _objects(store, instant, value) if isinstance(o, ox.Literal)]
    return list(dict.fromkeys(found))


#: Each member's Danish name and codes, by member: the same for all of its memberships.
Members = dict[ox.NamedNode, tuple[str | None, list[str]]]


def _member(store: Any, member: ox.NamedNode, known: Members) -> tuple[str | None, list[str]]:
    """A member's Danish name and codes, looked up once for all of its memberships."""
    if member not in known:
        codes = [o.value for o in _objects(store, member, ORG + "identifier") if isinstance(o, ox.Literal)]
        known[member] = (_danish_label(store, member), codes)
    return known[member]


def _row(store: Any, membership: ox.NamedNode, known: Members) -> dict[str, str] | None:
    """One membership as the table's row, or None when it is not a member's in a named cooperation."""
    cooperations = [o for o in _objects(store, membership, ORG + "organization") if isinstance(o, ox.NamedNode)]
    members = [o for o in _objects(store, membership, ORG + "member") if isinstance(o, ox.NamedNode)]
    if len(cooperations) != 1 or len(members) != 1:
        return None
    cooperation, member = cooperations[0], members[0]
    if COLLABORATION not in _objects(store, cooperation, RDF_TYPE):
        return None
    name, (member_name, codes) = _danish_label(store, cooperation), _member(store, member, known)
    if name is None or member_name is None or not codes:
        return None
    intervals = _objects(store, membership, ORG + "memberDuring")
    row = {"uri": cooperation.value, "navn": name, "medlem": member.value, "kode": codes[0], "kommune": member_name}
    kinds = [o.value for o in _objects(store, cooperation, ORG + "classification")]
    single = {
        "art": kinds,
        "fra": _dates(store, intervals, TIME + "hasBeginning"),
        "til": _dates(store, intervals, TIME + "hasEnd"),
        "kendt_til": _dates(store, intervals, PLANKG + "documentedUntil", VALUES[:1]),
    }
    row.update({key: values[0] for key, values in single.items() if values})
    row["paa_dato"] = " ".join(sorted(_dates(store, intervals, TIME + "inside")))
    row["kilder"] = " ".join(sorted(o.value for o in _objects(store, membership, "http://purl.org/dc/terms/source")))
    row["noter"] = " | ".join(sorted(o.value for o in _objects(store, membership, PLANKG + "note")))
    return row


def memberships_of(store: Any, cooperation: str | None = None, member: str | None = None) -> list[dict[str, str]]:
    """The membership rows of one cooperation or of one member, ordered as the table orders them."""
    if cooperation:
        found = store.quads_for_pattern(None, ox.NamedNode(ORG + "organization"), ox.NamedNode(cooperation), None)
    elif member:
        found = store.quads_for_pattern(None, ox.NamedNode(ORG + "member"), ox.NamedNode(member), None)
    else:
        raise ValueError("memberships of a cooperation or of a member")
    memberships = dict.fromkeys(q.subject for q in found if isinstance(q.subject, ox.NamedNode))
    known: Members = {}
    rows = [row for row in (_row(store, m, known) for m in memberships) if row is not None]
    return sorted(rows, key=lambda row: (row["navn"], row["kode"]))
