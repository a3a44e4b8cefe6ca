"""Lookups of one triple pattern, answered in place: no trip to a query process.

The commonest question a client asks is a lookup of one triple pattern: the label of a resource,
everything said about it, whether one statement exists (README, "Lookups skip the trip").
Its own work is a few microseconds of index reading; the round trip to a query process costs many
times that (``benchmarks/bench_overhead.py``). So a query that is one triple pattern of the default
graph, and nothing else (``SELECT`` or ``ASK``), or the description of one named resource
(``DESCRIBE`` with one IRI), is answered here, by the process that serves the request.

What makes that safe holds by construction, not by parsing right:

- **No client text reaches the engine here.** The query is read into its parts (terms, variable
  names, limits) by a strict reader that knows only this small form, and a new query is written
  from those parts: terms in the engine's own N-Triples syntax (``str`` of a checked term), variable
  names of letters, digits and ``_``, and a fixed skeleton. Whatever the reader gets wrong, the
  engine here can only ever see one triple pattern or one IRI described, never ``SERVICE``,
  ``FROM`` or an update.
- **The work is small and bounded before it starts.** One pattern without a repeated variable reads
  one index range, one entry per answer row. A lookup is answered here only when its answer has at
  most :data:`ROWS` rows (its own ``LIMIT`` says so, or the index range is read that far and ends),
  after an ``OFFSET`` of at most :data:`ROWS`, and the written query carries that ``LIMIT``. So nothing
  here reads more than a few thousand index entries, whatever the data's size (about a millisecond,
  too short to need the time limit that the query processes enforce by being killed, and too short
  to hold this process's other threads); a longer answer goes to the query processes, having cost
  at most that much here. ``DISTINCT`` is taken only where it cannot skip rows (every variable of
  the pattern is projected). A description is answered here only when the resource has at most
  :data:`ROWS` statements and none about a blank node or a quoted triple, which a description
  would follow further (read first, as the lookup of its statements).

Anything else, and anything the reader is unsure of, goes to the query processes as before; so does
every query with a protocol dataset (``default-graph-uri``, ``named-graph-uri``). The answer is
written by the engine's own writers (:func:`~plankg.domain.evaluate.write_answer`), counted against
the result limit the same way, so it is byte for byte the answer the query processes give
(``tests/domain/test_lookup.py`` compares them).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import pyoxigraph as ox

from plankg.domain.evaluate import QueryAnswer, QueryRequest, QueryRunner, counted_rows, read_rows, write_answer
from plankg.tables.formats import Format
from plankg.tables.vocab import PREFIXES

RDF_TYPE = PREFIXES["rdf"] + "type"

#: The most rows a lookup answered here may have (after its OFFSET, itself at most this).
ROWS = 1000
#: Longer texts are not read here (a lookup is short; this bounds the reader's work too).
LONGEST = 4096

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][A-Za-z0-9_]+)
    | (?P<string>"(?:[^"\\\n\r]|\\[tbnrf"'\\])*"|'(?:[^'\\\n\r]|\\[tbnrf"'\\])*')
    | (?P<lang>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
    | (?P<hats>\^\^)
    | (?P<pname>(?:[A-Za-z][A-Za-z0-9_-]*)?:(?:[A-Za-z0-9_][A-Za-z0-9_-]*)?)
    | (?P<word>[A-Za-z]+)
    | (?P<number>[0-9]+)
    | (?P<punct>[{}.*])
    )""",
    re.VERBOSE,
)
_END = re.compile(r"\s*\Z")
_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE = re.compile(r"\\(.)")


class _NotALookup(Exception):
    """The text is not in the small form answered here (it goes to the query processes)."""


Term = ox.NamedNode | ox.Literal
Slot = Term | str  # a term, or a variable's name


@dataclass(frozen=True)
class Lookup:
    """A query of one triple pattern, read into its parts."""

    form: str  # "SELECT", "ASK" or "DESCRIBE" (of the pattern's subject)
    pattern: tuple[Slot, Slot, Slot]
    projection: tuple[str, ...] | None = None  # None: SELECT *
    distinct: bool = False
    limit: int | None = None
    offset: int = 0

    def text(self) -> str:
        """The query written anew from the parts, within the bounds (see the module's documentation)."""
        if self.form == "DESCRIBE":
            return f"DESCRIBE {self.pattern[0]}"
        where = " ".join(f"?{slot}" if isinstance(slot, str) else str(slot) for slot in self.pattern)
        if self.form == "ASK":
            return f"ASK {{ {where} }}"
        head = "SELECT DISTINCT " if self.distinct else "SELECT "
        head += "*" if self.projection is None else " ".join(f"?{name}" for name in self.projection)
        limit = ROWS + 1 if self.limit is None else min(self.limit, ROWS + 1)
        offset = f" OFFSET {self.offset}" if self.offset else ""
        return f"{head} WHERE {{ {where} }} LIMIT {limit}{offset}"


class _Reader:
    """Reads tokens one at a time, as the grammar asks for them: a text that is no lookup is given up at
    the first token that does not fit, not after reading all of it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0
        self.current: tuple[str, str] | None = None
        self.prefixes: dict[str, str] = {}

    def peek(self) -> tuple[str, str]:
        if self.current is None:
            if _END.match(self.text, self.position):
                self.current = ("end", "")
            else:
                match = _TOKEN.match(self.text, self.position)
                if match is None or match.lastgroup is None:
                    raise _NotALookup
                self.current = (match.lastgroup, match.group(match.lastgroup))
                self.position = match.end()
        return self.current

    def advance(self) -> None:
        self.peek()
        self.current = None

    def take(self, kind: str, value: str | None = None) -> str:
        found, text = self.peek()
        if found != kind or (value is not None and (text.upper() if kind == "word" else text) != value):
            raise _NotALookup
        self.advance()
        return text

    def keyword(self, *words: str) -> str | None:
        found, text = self.peek()
        if found == "word" and text.upper() in words:
            self.advance()
            return text.upper()
        return None

    def iri(self, kind: str, text: str) -> ox.NamedNode:
        if kind == "iri":
            value = text[1:-1]
        elif kind == "pname":
            prefix, _, local = text.partition(":")
            if prefix not in self.prefixes:
                raise _NotALookup
            value = self.prefixes[prefix] + local
        else:
            raise _NotALookup
        try:
            return ox.NamedNode(value)  # refuses a relative IRI (resolved against a base, so left to the engine)
        except ValueError as error:
            raise _NotALookup from error

    def slot(self, position: int) -> Slot:
        kind, text = self.peek()
        self.advance()
        if kind == "var":
            return text[1:]
        if kind == "word" and text == "a" and position == 1:
            return ox.NamedNode(RDF_TYPE)
        if kind == "string" and position == 2:
            value = _ESCAPE.sub(lambda m: _ESCAPES[m.group(1)], text[1:-1])
            following, after = self.peek()
            try:
                if following == "lang":
                    self.advance()
                    return ox.Literal(value, language=after[1:])
                if following == "hats":
                    self.advance()
                    kind, text = self.peek()
                    self.advance()
                    return ox.Literal(value, datatype=self.iri(kind, text))
                return ox.Literal(value)
            except ValueError as error:
                raise _NotALookup from error
        if kind in ("iri", "pname"):
            return self.iri(kind, text)
        raise _NotALookup


def _read(text: str) -> Lookup:
    reader = _Reader(text)
    while reader.keyword("PREFIX"):
        name = reader.take("pname")
        if not name.endswith(":"):
            raise _NotALookup
        reader.prefixes[name[:-1]] = reader.iri("iri", reader.take("iri")).value
    form = reader.keyword("SELECT", "ASK", "DESCRIBE")
    if form == "DESCRIBE":  # one resource, named: its statements (a blank node's are checked before answering)
        kind, text = reader.peek()
        reader.advance()
        described = reader.iri(kind, text)
        if reader.peek()[0] != "end":
            raise _NotALookup
        return Lookup(form, (described, "p", "o"))
    projection: tuple[str, ...] | None = None
    distinct = False
    if form == "SELECT":
        distinct = reader.keyword("DISTINCT") is not None
        if reader.peek() == ("punct", "*"):
            reader.advance()
        else:
            names = []
            while reader.peek()[0] == "var":
                names.append(reader.take("var")[1:])
            if not names or len(set(names)) != len(names):
                raise _NotALookup
            projection = tuple(names)
    elif form != "ASK":
        raise _NotALookup
    reader.keyword("WHERE")
    reader.take("punct", "{")
    pattern = (reader.slot(0), reader.slot(1), reader.slot(2))
    if reader.peek() == ("punct", "."):
        reader.advance()
    reader.take("punct", "}")
    variables = [slot for slot in pattern if isinstance(slot, str)]
    if len(set(variables)) != len(variables):  # a repeated variable filters index entries: not bounded by rows
        raise _NotALookup
    if projection is not None and not set(projection) <= set(variables):
        raise _NotALookup
    if distinct and projection is not None and set(projection) != set(variables):  # could skip many entries
        raise _NotALookup
    limit, offset = _modifiers(reader) if form == "SELECT" else (None, 0)
    if reader.peek()[0] != "end":
        raise _NotALookup
    return Lookup(form, pattern, projection, distinct, limit, offset)


def _modifiers(reader: _Reader) -> tuple[int | None, int]:
    found: dict[str, int] = {}
    while (word := reader.keyword("LIMIT", "OFFSET")) is not None:
        if word in found:  # each clause once, as the grammar has it
            raise _NotALookup
        found[word] = int(reader.take("number"))
    return found.get("LIMIT"), found.get("OFFSET", 0)


@functools.lru_cache(maxsize=512)
def read_lookup(text: str) -> Lookup | None:
    """The query's parts when it is a lookup of one triple pattern answered in place; else None."""
    if len(text) > LONGEST:
        return None
    try:
        return _read(text)
    except _NotALookup:
        return None


def _over(answer: QueryAnswer, fmt: Format, rows: int) -> bool:
    """Whether ``answer`` (written in ``fmt`` with a LIMIT of ``rows + 1``) has more than ``rows`` rows."""
    if answer.count >= 0:
        return answer.count > rows
    if len(answer.body) < fmt.smallest_row * (rows + 1):
        return False
    counted = counted_rows(answer.body, fmt.results)
    if counted is None:  # read back where no byte pattern is exact (an empty row in JSON)
        counted = sum(1 for _ in read_rows(answer.body, fmt))
    return counted > rows


class LookupsInPlace:
    """A query runner that answers lookups of one triple pattern in this process, and hands every other
    query to ``runner`` (the query processes)."""

    def __init__(self, runner: QueryRunner, store: ox.Store, result_limit: int) -> None:
        self.runner = runner
        self.store = store
        self.result_limit = result_limit

    def answer(self, request: QueryRequest) -> QueryAnswer | None:
        """The answer when ``request`` is a lookup answered here; None when it goes to the query processes."""
        if request.default_graphs is not None or request.named_graphs is not None:
            return None
        lookup = read_lookup(request.text)
        if lookup is None or lookup.offset > ROWS:
            return None
        results = request.results
        if (request.graph if lookup.form == "DESCRIBE" else results) is None:
            return None  # no format of the answer's family: the query processes say so
        if lookup.form == "DESCRIBE" and not self._plain(lookup):
            return None
        try:  # evaluated as it is written; what is over the limits is refused (QueryFailed) as there
            answer = write_answer(self.store.query(lookup.text()), request, self.result_limit)
        except (OSError, RuntimeError, ValueError, SyntaxError):  # the query processes name what went wrong
            return None
        longer = lookup.form == "SELECT" and (lookup.limit is None or lookup.limit > ROWS)
        if longer and results is not None and _over(answer, results, ROWS):
            return None  # a longer answer: the query processes answer it, within the time limit
        return answer

    def _plain(self, described: Lookup) -> bool:
        """Whether the described resource has at most ROWS statements, none of them about a blank node or a
        quoted triple (whose statements a description follows): then it is those statements alone."""
        probe = Lookup("SELECT", described.pattern, ("o",))
        try:
            solutions = self.store.query(probe.text())
            assert isinstance(solutions, ox.QuerySolutions)
            body = solutions.serialize(format=ox.QueryResultsFormat.JSON) or b""
        except (OSError, RuntimeError, ValueError, SyntaxError):
            return False
        if b'"type":"bnode"' in body or b'"type":"triple"' in body:
            return False
        statements = counted_rows(body, ox.QueryResultsFormat.JSON)  # every row binds ?o: exact
        return statements is not None and statements <= ROWS

    def run(
        self, request: QueryRequest, timeout: float, queue_timeout: float, limit: float | None = None
    ) -> QueryAnswer:
        answer = self.answer(request)
        if answer is not None:
            return answer
        return self.runner.run(request, timeout, queue_timeout, limit)

    @property
    def killed(self) -> int:
        return self.runner.killed

    @property
    def broken(self) -> str | None:
        return self.runner.broken

    @property
    def pids(self) -> list[int]:
        return self.runner.pids

    def check(self) -> None:
        self.runner.check()

    def close(self) -> None:
        self.runner.close()
