"""The membership table (``data/samarbejder/medlemskaber.csv``) as qualified ``org:Membership``s.

Editors add or correct a membership in the CSV; the build turns each row into the membership,
its interval and the ``org:hasMember`` shortcut, in the named graph of the row's source (found by
its URL, ``schema:url``, among the described sources). Rows about the same member of the same
organisation are one membership whose interval gathers what each source says. Every error names
the file and the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from plankg.domain.csvfiles import DataError, read_table
from plankg.domain.dataset import Loaded
from plankg.domain.namespaces import DCT, GRAPH, ORG, PLANKG, RDF, ROLLE, TIME, XSD, municipality
from plankg.domain.namespaces import cooperation as cooperation_iri
from plankg.domain.rdf import iri, typed
from plankg.domain.region_lifetimes import precision
from plankg.tables.queries import internal
from plankg.tables.vocab import PREFIXES

TABLE = Path("samarbejder") / "medlemskaber.csv"
COLUMNS = ("samarbejde", "enhed", "kode", "navn", "fra", "til", "paa_dato", "kilde_url", "note")
#: Optional columns: ``kendt_til``, the last day the sources can speak for an open membership.
OPTIONAL_COLUMNS = ("kendt_til",)
#: Why a membership is documented only until a day (the project's note beside it).
HORIZON_NOTE = (
    "Documented until this day only (the project's note): the cooperation is tied to a region that ends "
    "on this day, and no source says what happens to it after."
)
_BOARD = PREFIXES["enhedstype"] + "bestyrelse"
#: The project's own graph: its notes are the project's, not the source's words.
NOTES_GRAPH = GRAPH["kilde/plankg"]


@dataclass(frozen=True)
class Context:
    """What the rest of the dataset says that the table refers to."""

    names: dict[str, str]  # municipality or region code → Danish name
    members: dict[str, str]  # municipality or region code → its IRI
    cooperations: set[str]
    units: dict[str, str]  # unit IRI → its classification
    sources: dict[str, tuple[str, str]]  # source URL → (source IRI, graph IRI)

    @classmethod
    def from_quads(cls, quads: list[ox.Quad]) -> Context:
        store = ox.Store()
        store.extend(quads)
        query = store.query

        def pairs(text: str) -> list[tuple[str, ...]]:
            return [tuple(t.value for t in row) for row in query(text, use_default_graph_as_union=True)]  # type: ignore[union-attr]

        named = pairs(internal("membership-context-names"))
        cooperations = pairs(internal("membership-context-cooperations"))
        units = pairs(internal("membership-context-units"))
        sources = [tuple(t.value for t in row) for row in query(internal("membership-context-sources"))]  # type: ignore[union-attr]
        return cls(
            names={code: name for code, name, _ in named},
            members={code: uri for code, _, uri in named},
            cooperations={c for (c,) in cooperations},
            units=dict(units),  # type: ignore[arg-type]
            sources={url: (s, g) for url, s, g in sources},
        )


@dataclass(frozen=True)
class Row:
    """One checked row of the table."""

    number: int
    organisation: str
    member: str
    municipality: str
    role: str
    begin: str
    end: str
    on: str
    source: str
    graph: str
    note: str = ""
    horizon: str = ""  # the last day the sources can speak for (an open membership tied to a region)

    @property
    def membership(self) -> str:
        return f"{self.organisation}/medlemskab/{self.municipality.rsplit('/', 1)[1]}"


def load_memberships(data: Path, context_quads: list[ox.Quad]) -> Loaded:
    """The quads of every row of the membership table in ``data`` (if there is one)."""
    path = data / TABLE
    loaded = Loaded()
    if not path.exists():
        return loaded
    context = Context.from_quads(context_quads)
    rows = read_rows(path, context)
    _check_agreement(path, rows)
    for row in rows:
        loaded.add(row_quads(row), f"{path} row {row.number}")
    loaded.files.append(path)
    return loaded


def read_rows(path: Path, context: Context) -> list[Row]:
    """Every row of the table, checked against the rest of the dataset."""
    records = read_table(path, COLUMNS)
    return [_check_row(path, number, record, context) for number, record in enumerate(records, start=2)]


def _check_row(path: Path, number: int, record: dict[str, str], context: Context) -> Row:
    def error(message: str) -> DataError:
        return DataError(f"row {number}: {message}", path)

    values = {key: (record.get(key) or "").strip() for key in (*COLUMNS, *OPTIONAL_COLUMNS)}
    code = values["kode"]
    if code not in context.names:
        raise error(f"unknown municipality or region code {code!r} (kode)")
    if values["navn"] and values["navn"] != context.names[code]:
        raise error(f"municipality {code} is {context.names[code]!r} in the registry, the row says {values['navn']!r}")
    cooperation = str(cooperation_iri(values["samarbejde"]))
    if cooperation not in context.cooperations:
        raise error(f"unknown cooperation {values['samarbejde']!r} (samarbejde): it must be described in data/kilder/")
    organisation, member, role = cooperation, context.members[code], str(ROLLE.medlem)
    if values["enhed"]:
        organisation = f"{cooperation}/{values['enhed']}"
        if context.units.get(organisation) != _BOARD:
            raise error(f"{values['enhed']!r} (enhed) is not a board of {values['samarbejde']}; only boards take rows")
        member, role = f"{municipality(code)}/post/borgmester", str(ROLLE.bestyrelsesmedlem)
    if values["kendt_til"] and (values["til"] or len(values["kendt_til"]) != 10):
        raise error("kendt_til is a day (YYYY-MM-DD), and only for a membership whose end is not known (til empty)")
    for column in ("fra", "til", "paa_dato", "kendt_til"):
        if values[column] and precision(values[column]) is None:
            raise error(f"{column} {values[column]!r} is not a year (2007), a month (2016-01) or a date (2009-12-02)")
    if not values["fra"] and not values["paa_dato"] and not values["note"]:
        raise error("a membership with no date (fra, paa_dato) needs a note saying why (note)")
    if values["kilde_url"] not in context.sources:
        raise error(f"source {values['kilde_url']!r} (kilde_url) is not described (schema:url) in data/kilder/")
    source, graph = context.sources[values["kilde_url"]]
    return Row(
        number,
        organisation,
        member,
        member if not values["enhed"] else str(municipality(code)),
        role,
        values["fra"],
        values["til"],
        values["paa_dato"],
        source,
        graph,
        values["note"],
        values["kendt_til"],
    )


def _check_agreement(path: Path, rows: list[Row]) -> None:
    """Rows about one membership must not disagree on its beginning or end."""
    first: dict[tuple[str, str, str], tuple[str, Row]] = {}
    for row in rows:
        for column, value in (("fra", row.begin), ("til", row.end)):
            if not value:
                continue
            seen_value, seen_row = first.setdefault((row.organisation, row.member, column), (value, row))
            if seen_value != value:
                raise DataError(
                    f"row {row.number}: {column} {value!r} disagrees with row {seen_row.number} ({seen_value!r})", path
                )


def row_quads(row: Row) -> list[ox.Quad]:
    """The membership, its interval and the shortcut that one row asserts, in its source's graph."""
    graph = iri(row.graph)
    membership = iri(row.membership)
    interval = iri(f"{row.membership}/periode")
    triples: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (iri(row.organisation), iri(ORG.hasMember), iri(row.member)),
        (membership, iri(RDF.type), iri(ORG.Membership)),
        (membership, iri(ORG.member), iri(row.member)),
        (membership, iri(ORG.organization), iri(row.organisation)),
        (membership, iri(ORG.role), iri(row.role)),
        (membership, iri(DCT.source), iri(row.source)),
    ]
    if row.begin or row.end or row.on:  # a membership no source dates has no interval
        triples += [(membership, iri(ORG.memberDuring), interval), (interval, iri(RDF.type), iri(TIME.Interval))]
    for value, link, slug in (
        (row.begin, TIME.hasBeginning, "begyndelse"),
        (row.end, TIME.hasEnd, "slut"),
        (row.on, TIME.inside, row.on),
    ):
        if value:
            instant = iri(f"{row.membership}/periode/{slug}")
            datatype, predicate = precision(value)  # type: ignore[misc]
            triples += [
                (interval, iri(link), instant),
                (instant, iri(RDF.type), iri(TIME.Instant)),
                (instant, iri(predicate), typed(value, datatype)),
            ]
    quads = [ox.Quad(s, p, o, graph) for s, p, o in triples]
    if row.note:  # the project's note beside the fact it explains, as written (English, quoting Danish), in its graph
        quads.append(ox.Quad(membership, iri(PLANKG.note), ox.Literal(row.note, language="en"), iri(NOTES_GRAPH)))
    if row.horizon:  # the project's judgement, in the project's graph: no source speaks beyond this day
        instant = iri(f"{row.membership}/periode/kendt-til")
        horizon: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = [
            (interval, iri(PLANKG.documentedUntil), instant),
            (instant, iri(RDF.type), iri(TIME.Instant)),
            (instant, iri(TIME.inXSDDate), typed(row.horizon, XSD.date)),
            (instant, iri(PLANKG.note), ox.Literal(HORIZON_NOTE, language="en")),
        ]
        quads += [ox.Quad(s, p, o, iri(NOTES_GRAPH)) for s, p, o in horizon]
    return quads
