"""Named SPARQL queries (``queries/*.rq``): loaded by name, parameters bound as values.

A query file starts with comment lines that say what it asks and declare its parameters:

    # title: Members of a cooperation on a date
    # description: ...
    # title@da: Et samarbejdes medlemmer på en dato
    # description@da: ...
    # param: date xsd:date = 2009-12-02  -- the day to ask about
    # param: cooperation iri  -- optional: one cooperation (all when left out)

A parameter's type is ``iri`` or an XSD datatype (``xsd:date``, ``xsd:gYear``, ``xsd:string``,
``xsd:integer``, ``xsd:boolean``, ``xsd:decimal``). Values are bound to the query's variables
(pyoxigraph's substitutions, SPARQL SEP-0007), never spliced into its text; a parameter with no
value and no default stays unbound, so the query answers for all values. The default ``today`` of
an ``xsd:date`` is the day the caller says is today (the server's setting), else the real date. Every parameter must be
a projected variable of the query (SEP-0007 substitutes only those), so answers also show it.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from plankg.tables import project
from plankg.tables.vocab import PREFIXES

_PARAM = re.compile(r"^#\s*param:\s*(?P<name>\w+)\s+(?P<type>\S+)(?:\s*=\s*(?P<default>\S+))?\s*$")
_FIELD = re.compile(r"^#\s*(?P<key>(?:title|description)(?:@da)?):\s*(?P<value>.*)$")
#: The lexical forms accepted for each parameter type.
_LEXICAL: dict[str, str] = {
    "xsd:date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
    "xsd:gYear": r"-?[0-9]{4}",
    "xsd:gYearMonth": r"-?[0-9]{4}-(0[1-9]|1[0-2])",
    "xsd:integer": r"[+-]?[0-9]+",
    "xsd:decimal": r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)",
    "xsd:boolean": r"true|false|1|0",
    "xsd:string": r"(?s).*",
}


def _is_valid(datatype: str, value: str) -> bool:
    if not re.fullmatch(_LEXICAL[datatype], value):
        return False
    if datatype == "xsd:date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return False
    return True


_INTERNAL = Path(__file__).resolve().parent / "internal_queries"


@functools.cache
def internal(name: str) -> str:
    """The text of one of plankg's own queries (``internal_queries/{name}.rq``, its heading comment left off)."""
    lines = (_INTERNAL / f"{name}.rq").read_text("utf-8").splitlines(keepends=True)
    return "".join(itertools.dropwhile(lambda line: line.startswith("#"), lines))


class QueryError(Exception):
    """An unknown query, parameter or value."""


@dataclass(frozen=True)
class Parameter:
    """A declared parameter of a named query."""

    name: str
    type: str
    default: str | None
    doc: str

    def term(self, value: str) -> ox.NamedNode | ox.Literal:
        """The RDF term for ``value``, typed by the declaration."""
        if self.type == "iri":
            try:
                return ox.NamedNode(value)
            except ValueError as error:
                raise QueryError(f"parameter {self.name}: {value!r} is not an IRI ({error})") from error
        if self.type not in _LEXICAL:
            raise QueryError(f"parameter {self.name}: unsupported type {self.type}")
        if not _is_valid(self.type, value):
            raise QueryError(f"parameter {self.name}: {value!r} is not a valid {self.type}")
        if self.type == "xsd:string":
            return ox.Literal(value)
        return ox.Literal(value, datatype=ox.NamedNode(PREFIXES["xsd"] + self.type.split(":", 1)[1]))


@dataclass(frozen=True)
class NamedQuery:
    """A query file with its description and parameters."""

    name: str
    path: Path
    title: str
    description: str
    text: str
    parameters: tuple[Parameter, ...]
    danish: tuple[str, str] = ("", "")  # title and description in Danish (``# title@da:``)

    def title_in(self, lang: str) -> str:
        return (self.danish[0] if lang == "da" else "") or self.title

    def description_in(self, lang: str) -> str:
        return (self.danish[1] if lang == "da" else "") or self.description

    def bindings(
        self, values: dict[str, str], today: dt.date | None = None
    ) -> dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]:
        """Typed bindings for ``values`` and the declared defaults (``today``: the day a default ``today`` means)."""
        declared = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            known = ", ".join(declared) or "none"
            raise QueryError(f"unknown parameter(s) {', '.join(unknown)} for {self.name} (it takes: {known})")
        result: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {}
        for parameter in self.parameters:
            value = values.get(parameter.name, parameter.default)
            if value == "today" and parameter.name not in values:
                value = (today or dt.date.today()).isoformat()
            if value is not None:
                result[ox.Variable(parameter.name)] = parameter.term(value)
        return result


_OUTER_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def runnable_text(query: NamedQuery, values: dict[str, str] | None = None, today: dt.date | None = None) -> str:
    """The query's text with its bound parameters written into it, for any SPARQL client.

    The values (and the declared defaults) go into a ``VALUES`` block at the start of the outer
    ``WHERE`` group, so the text runs as it is at ``/sparql`` and answers as the bound query does.
    """
    try:
        return inject_values(query.text, query.bindings(values or {}, today))
    except ValueError as error:
        raise QueryError(f"{query.name}: {error}") from error


def inject_values(text: str, bound: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]) -> str:
    """``text`` with ``bound`` as a ``VALUES`` block at the start of its outer ``WHERE`` group."""
    if not bound:
        return text
    header_end = 0
    for line in text.splitlines(keepends=True):
        if not line.startswith("#"):
            break
        header_end += len(line)
    match = _OUTER_WHERE.search(text, header_end)
    if match is None:
        raise ValueError("no WHERE group to bind the parameters in")
    names = " ".join(str(variable) for variable in bound)
    terms = " ".join(str(term) for term in bound.values())
    return text[: match.end()] + f"\n  VALUES ({names}) {{ ({terms}) }}" + text[match.end() :]


def parse_query_file(path: Path) -> NamedQuery:
    """Read a query file and its header."""
    text = path.read_text("utf-8")
    fields: dict[str, str] = {}
    parameters = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        declaration, _, doc = line.partition(" -- ")
        if match := _PARAM.match(declaration):
            parameters.append(Parameter(match["name"], match["type"], match["default"], doc.strip()))
        elif match := _FIELD.match(line):
            fields[match["key"]] = (fields.get(match["key"], "") + " " + match["value"]).strip()
    return NamedQuery(
        path.stem,
        path,
        fields.get("title", path.stem),
        fields.get("description", ""),
        text,
        tuple(parameters),
        (fields.get("title@da", ""), fields.get("description@da", "")),
    )


def list_queries(folder: Path | None = None) -> list[NamedQuery]:
    """Every named query, by name."""
    return [parse_query_file(p) for p in sorted((folder or project.queries_dir()).glob("*.rq"))]


def find_query(name_or_file: str) -> NamedQuery:
    """A query by name (``members-on-date``) or by file path."""
    path = Path(name_or_file)
    if path.suffix == ".rq" and path.is_file():
        return parse_query_file(path)
    candidate = project.queries_dir() / f"{name_or_file.removesuffix('.rq')}.rq"
    if candidate.is_file():
        return parse_query_file(candidate)
    names = ", ".join(q.name for q in list_queries())
    raise QueryError(f"no query {name_or_file!r}; the named queries are: {names}")


def run_query(
    store: ox.Store, query: NamedQuery, values: dict[str, str], today: dt.date | None = None
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Run ``query`` over the union of the store's graphs with ``values`` bound."""
    return store.query(query.text, use_default_graph_as_union=True, substitutions=query.bindings(values, today))
