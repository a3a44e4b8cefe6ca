"""One resource's memberships with their dates, read by lookups bounded by the resource.

A page asks about one cooperation's members, or a municipality's memberships among the links of one
page of its document: the rows of the table ``collection-samarbejde.rq`` for them. That query groups
every membership of the dataset before it can pick one resource's (its cost grows with the dataset);
here the same rows are read by following the resource's own links: its memberships
(``org:organization`` or ``org:member``), each membership's interval and instants, the cooperation's
and member's names.
Each node is read once, all its properties at a time, from the default graph as served (the union
of the named graphs, each triple once): 4–5 lookups a membership, where asking per predicate
and per graph took 16–19. The cost grows with the resource's memberships only. A test
compares both ways on every cooperation and every municipality.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from plankg.domain.store import UNION
from plankg.tables.vocab import PREFIXES

ORG = PREFIXES["org"]
SKOS_LABEL = PREFIXES["skos"] + "prefLabel"
TIME = "http://www.w3.org/2006/time#"
PLANKG = PREFIXES["plankg"]
COLLABORATION = ox.NamedNode(ORG + "OrganizationalCollaboration")
RDF_TYPE = PREFIXES["rdf"] + "type"
VALUES = tuple(TIME + p for p in ("inXSDDate", "inXSDgYearMonth", "inXSDgYear"))
#: How an interval points at its instants: its beginning, end, the day it is documented until, days seen.
INSTANTS = (TIME + "hasBeginning", TIME + "hasEnd", PLANKG + "documentedUntil", TIME + "inside")
SOURCE, NOTE = "http://purl.org/dc/terms/source", PLANKG + "note"
#: What a row reads of each level's nodes: the memberships; their cooperations, members and intervals; the
#: instants. A remote store is asked for these alone (at 100k a page's three requests took 41 ms for every
#: property, 24 ms for these); the embedded store reads a node's properties in one lookup.
LEVELS = (
    (ORG + "organization", ORG + "member", ORG + "memberDuring", SOURCE, NOTE),
    (RDF_TYPE, SKOS_LABEL, ORG + "classification", ORG + "identifier", *INSTANTS),
    VALUES,
)


#: One node's properties in the served default graph, by predicate IRI (objects in the store's order).
Properties = dict[str, list[Any]]


def _properties(store: Any, node: Any) -> Properties:
    """Every property of ``node``, read at once from the default graph: the union of the graphs as served,
    which holds each triple once (one lookup where asking per predicate and per graph took several)."""
    found: Properties = {}
    for quad in store.quads_for_pattern(node, None, None, UNION):
        found.setdefault(quad.predicate.value, []).append(quad.object)
    return found


class _Nodes:
    """The properties of the nodes a page's memberships reach, read once each (a cooperation, a member)."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.read: dict[Any, Properties] = {}

    def __call__(self, node: Any) -> Properties:
        if node not in self.read:
            self.fetch([node])
        return self.read[node]

    def fetch(self, nodes: Iterable[Any], predicates: tuple[str, ...] | None = None) -> None:
        """Read the nodes not read yet: a lookup each here, one request for them all from a remote store (a
        request a node made a municipality's page over Virtuoso take 1.75 s at 100k), for ``predicates`` alone
        where given."""
        missing = [n for n in dict.fromkeys(nodes) if n not in self.read]
        batched = getattr(self.store, "quads_for_nodes", None)
        if batched is None:
            self.read.update((n, _properties(self.store, n)) for n in missing)
            return
        found: dict[Any, Properties] = {n: {} for n in missing}
        wanted = tuple(ox.NamedNode(p) for p in predicates) if predicates else None
        for quad in batched(missing, "subject", wanted, union_only=True) if missing else ():
            found[quad.subject].setdefault(quad.predicate.value, []).append(quad.object)
        self.read.update(found)

    def linked(self, nodes: Iterable[Any], predicates: tuple[str, ...]) -> list[Any]:
        """The IRIs the (read) ``nodes`` point at by ``predicates``."""
        return [o for n in nodes for p in predicates for o in self(n).get(p, []) if isinstance(o, ox.NamedNode)]


def _danish_label(properties: Properties) -> str | None:
    labels = [o.value for o in properties.get(SKOS_LABEL, []) if isinstance(o, ox.Literal) and o.language == "da"]
    return labels[0] if labels else None


def _dates(nodes: _Nodes, intervals: list[Properties], predicate: str, values: tuple[str, ...] = VALUES) -> list[str]:
    """The date values of the instants the intervals point at by ``predicate`` (at their precision)."""
    found: list[str] = []
    for interval in intervals:
        for instant in interval.get(predicate, []):
            held = nodes(instant)
            for value in values:
                found += [o.value for o in held.get(value, []) if isinstance(o, ox.Literal)]
    return list(dict.fromkeys(found))


def _row(nodes: _Nodes, membership: ox.NamedNode) -> dict[str, str] | None:
    """One membership as the table's row, or None when it is not a member's in a named cooperation."""
    held = nodes(membership)
    cooperations = [o for o in held.get(ORG + "organization", []) if isinstance(o, ox.NamedNode)]
    members = [o for o in held.get(ORG + "member", []) if isinstance(o, ox.NamedNode)]
    if len(cooperations) != 1 or len(members) != 1:
        return None
    cooperation, member = nodes(cooperations[0]), nodes(members[0])
    if COLLABORATION not in cooperation.get(RDF_TYPE, []):
        return None
    name, member_name = _danish_label(cooperation), _danish_label(member)
    codes = [o.value for o in member.get(ORG + "identifier", []) if isinstance(o, ox.Literal)]
    if name is None or member_name is None or not codes:
        return None
    intervals = [nodes(i) for i in dict.fromkeys(held.get(ORG + "memberDuring", []))]
    row = {"uri": cooperations[0].value, "navn": name, "medlem": members[0].value, "kode": codes[0]}
    row["kommune"] = member_name
    single = {
        "art": [o.value for o in cooperation.get(ORG + "classification", [])],
        "fra": _dates(nodes, intervals, TIME + "hasBeginning"),
        "til": _dates(nodes, intervals, TIME + "hasEnd"),
        "kendt_til": _dates(nodes, intervals, PLANKG + "documentedUntil", VALUES[:1]),
    }
    row.update({key: values[0] for key, values in single.items() if values})
    row["paa_dato"] = " ".join(sorted(_dates(nodes, intervals, TIME + "inside")))
    row["kilder"] = " ".join(sorted(o.value for o in held.get(SOURCE, [])))
    row["noter"] = " | ".join(sorted(o.value for o in held.get(NOTE, [])))
    return row


def memberships_of(store: Any, cooperation: str | None = None, member: str | None = None) -> list[dict[str, str]]:
    """The membership rows of one cooperation or of one member, ordered as the table orders them."""
    if cooperation:
        found = store.quads_for_pattern(None, ox.NamedNode(ORG + "organization"), ox.NamedNode(cooperation), UNION)
    elif member:
        found = store.quads_for_pattern(None, ox.NamedNode(ORG + "member"), ox.NamedNode(member), UNION)
    else:
        raise ValueError("memberships of a cooperation or of a member")
    return membership_rows(store, [q.subject for q in found if isinstance(q.subject, ox.NamedNode)])


def membership_rows(store: Any, memberships: list[ox.NamedNode]) -> list[dict[str, str]]:
    """The rows of these memberships (each once), ordered as the table orders them.

    The nodes are read a level at a time (memberships; their cooperations, members and intervals; the
    intervals' instants): from a remote store, a request a level for the whole page."""
    nodes = _Nodes(store)
    nodes.fetch(memberships, LEVELS[0])
    intervals = nodes.linked(memberships, (ORG + "memberDuring",))
    nodes.fetch([*nodes.linked(memberships, (ORG + "organization", ORG + "member")), *intervals], LEVELS[1])
    nodes.fetch(nodes.linked(intervals, INSTANTS), LEVELS[2])
    rows = [row for row in (_row(nodes, m) for m in dict.fromkeys(memberships)) if row is not None]
    return sorted(rows, key=lambda row: (row["navn"], row["kode"]))
