"""Evaluating one query in a query process: check it, run it, write the answer within the limits.

The guard runs here, inside the query's time and memory limits; every answer is written by the
engine's own serialisers (one writer whatever the size), rows counted against the result limit
where the answer could exceed it, and XML that no XML parser would accept is refused. No Flask and
no rdflib: query processes import this module.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import pyoxigraph as ox

from plankg.domain.guard import SERVICE_REFUSED, Refused, inspect_query
from plankg.tables.formats import RDF_FORMATS, RESULT_FORMATS, Format
from plankg.tables.vocab import PREFIXES


class QueryFailed(Exception):
    """The engine refused or failed the query; ``kind`` is ``syntax``, ``limit``, ``memory`` or ``engine``."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class QueryRequest:
    """One query and how to answer it: a results format for SELECT/ASK, an RDF one for CONSTRUCT/DESCRIBE.

    ``None`` where the client accepts no format of that family: the query's form decides whether that
    matters (a 406 then). The guard runs where the query runs, inside its time and memory limits.
    """

    text: str
    results: Format | None = RESULT_FORMATS[0]  # SPARQL JSON
    graph: Format | None = RDF_FORMATS[0]  # Turtle
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    base_iri: str | None = None
    held_graphs: frozenset[str] | None = None  # None: the guard does not run (trusted, internal queries)
    timeout: float = 0.0  # seconds of CPU this query may use (0: no cap); the pool's wall-clock limit stays


@dataclass(frozen=True)
class QueryAnswer:
    """A serialised answer and how many rows or triples it holds."""

    body: bytes
    count: int  # -1 where the rows were not counted (certainly within the limit)
    kind: str  # "solutions", "boolean" or "graph"


#: Characters that XML 1.0 cannot carry, raw or as a character reference (XML 1.0 §2.2, §4.1).
_NOT_XML = re.compile(
    rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]|&#(?:0*(?:[0-8]|1[1-24-9]|2[0-9]|3[01])|x0*(?:[0-8bcefBCEF]|1[0-9a-fA-F]));"
)


def execute(store: ox.Store, request: QueryRequest, result_limit: int) -> QueryAnswer:
    """Check, evaluate and serialise one query (in a worker); raise :class:`QueryFailed`."""
    options: dict[str, Any] = {}
    try:
        if request.default_graphs is not None:
            options["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs]
        if request.named_graphs is not None:
            options["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
    except ValueError as error:
        raise QueryFailed("bad_request", f"a default-graph-uri or named-graph-uri is not an IRI: {error}") from error
    check_request(request)
    try:
        results = store.query(request.text, base_iri=request.base_iri, **options)
        return write_answer(results, request, result_limit)
    except SyntaxError as error:
        raise QueryFailed("syntax", f"SPARQL syntax error: {error}") from error
    except OSError as error:  # the store is read from memory maps; an OS error here is an outbound attempt
        raise QueryFailed("outbound", SERVICE_REFUSED) from error
    except RuntimeError as error:
        if "service" in str(error).lower():
            raise QueryFailed("outbound", SERVICE_REFUSED) from error
        raise QueryFailed("engine", f"the query could not be evaluated: {error}") from error
    except (ValueError, TypeError) as error:
        raise QueryFailed("engine", f"the query could not be evaluated: {error}") from error


def check_request(request: QueryRequest) -> str | None:
    """The guard (unless the query is internal), and a format for the query's form; else :class:`QueryFailed`.

    Returns the query's form (``SELECT`` …), or None for an internal query, which is not checked.
    """
    if request.held_graphs is None:
        return None
    text, held = request.text, request.held_graphs
    form, refusal = _verdict(text, held) if len(text) <= REMEMBERED_CHARS else _verdict.__wrapped__(text, held)
    if refusal is not None:
        raise QueryFailed("refused", refusal)
    family = "results" if form in ("SELECT", "ASK") else "graph"
    if (request.results if family == "results" else request.graph) is None:
        raise QueryFailed("not_acceptable", family)
    return form


#: The guard's verdict on a query up to this long is remembered in the query process (256 of them,
#: at most 4 MiB): a client that repeats a query (a page's, a dashboard's) pays the guard's pass,
#: which costs more than evaluating a cheap query, once. The verdict depends on nothing but the
#: exact text and the held graphs, which are the key.
REMEMBERED_CHARS = 16_384


@functools.lru_cache(maxsize=256)
def _verdict(text: str, held_graphs: frozenset[str]) -> tuple[str, str | None]:
    """The query's form and, when the guard refuses it, why (the message)."""
    try:
        return inspect_query(text, held_graphs).form, None
    except Refused as error:
        return "", str(error)


def write_answer(results: Any, request: QueryRequest, limit: int) -> QueryAnswer:
    """An answer written by the engine's own writers, within ``limit`` rows or triples (evaluated once)."""
    if isinstance(results, ox.QueryBoolean):
        return QueryAnswer(_boolean(bool(results), request.results or RESULT_FORMATS[0]), 1, "boolean")
    if isinstance(results, ox.QuerySolutions):
        return _solutions(request.results or RESULT_FORMATS[0], results, limit)
    triples = _bounded(iter(results), limit)
    graph = request.graph or RDF_FORMATS[0]
    body = ox.serialize(triples, format=graph.rdf, prefixes=PREFIXES) or b""
    _xml_safe(body, graph.is_xml)
    return QueryAnswer(body, len(triples), "graph")


@functools.cache
def _boolean(value: bool, fmt: Format) -> bytes:
    """An ASK answer, written by the engine's own writer (one writer for every answer)."""
    empty = ox.Store()
    answer = empty.query("ASK {}" if value else "ASK { FILTER(false) }")
    assert isinstance(answer, ox.QueryBoolean)
    return answer.serialize(format=fmt.results) or b""


def _xml_safe(body: bytes, is_xml: bool) -> None:
    """Refuse an XML answer that no XML parser would accept (control characters): ask for another format."""
    if is_xml and _NOT_XML.search(body):
        raise QueryFailed(
            "not_xml",
            "the answer holds characters that XML 1.0 cannot carry (control characters);"
            " ask for it as JSON, CSV, TSV, Turtle or N-Triples",
        )


def _solutions(fmt: Format, results: ox.QuerySolutions, limit: int) -> QueryAnswer:
    """SELECT results, always written by pyoxigraph; rows counted when the answer could be over the limit.

    An answer shorter than ``limit`` times the smallest possible row cannot hold more than ``limit``
    rows, so it is sent as written. A longer one has its rows counted from the written bytes
    themselves, never by evaluating the query again: past the limit nothing is sent.
    """
    body = results.serialize(format=fmt.results) or b""
    _xml_safe(body, fmt.is_xml)
    if len(body) < fmt.smallest_row * limit:
        return QueryAnswer(body, -1, "solutions")
    rows = counted_rows(body, fmt.results)
    if rows is None:  # read back (up to the limit) where no byte pattern is exact
        rows = len(_bounded(read_rows(body, fmt), limit))
    elif rows > limit:
        raise _too_many(limit)
    return QueryAnswer(body, rows, "solutions")


def counted_rows(body: bytes, fmt: ox.QueryResultsFormat | None) -> int | None:
    """The rows of an answer as pyoxigraph writes it, counted as one byte pattern where its syntax makes
    that exact (a C loop over the bytes, not a parse); None where it does not.

    XML: one ``<result>`` a row (text escapes ``<``). TSV: one line a row after the header (terms escape
    line breaks). JSON, written without spaces: rows are separated by ``},{"`` and a variable's name; no
    row holds that (its values are separated by ``},"``) and no string (it escapes ``"``), except one that
    ends in ``},{`` before its closing quote, which is followed by ``,`` or ``}``, never by a name: those
    are taken off. An empty row (``{}``) anywhere sends it to the parser. CSV: a cell holding a quote, a
    comma or a line break is quoted and its quotes doubled (a triple's cell is not, but each literal in it
    is, alike), so a line break after an even number of quotes lies outside every cell: each such CRLF ends
    a row (the header's too).
    """
    if fmt == ox.QueryResultsFormat.CSV:
        outside = body.split(b'"')[::2] if b'"' in body else [body]  # the parts outside every pair of quotes
        return sum(part.count(b"\r\n") for part in outside) - 1
    if fmt == ox.QueryResultsFormat.XML:
        return body.count(b"<result>")
    if fmt == ox.QueryResultsFormat.TSV:
        return body.count(b"\n") - 1
    if fmt == ox.QueryResultsFormat.JSON and b"{}" not in body:
        boundaries = body.count(b'},{"') - body.count(b'},{",') - body.count(b'},{"}')
        return boundaries + (0 if body.endswith(b'"bindings":[]}}') else 1)
    return None


def read_rows(body: bytes, fmt: Format) -> Iterator[Any]:
    """The rows of a written answer, read back from its bytes."""
    parsed = ox.parse_query_results(body, format=fmt.results)
    assert isinstance(parsed, ox.QuerySolutions)  # a SELECT answer's bytes
    return iter(parsed)


def _bounded(items: Any, limit: int) -> list[Any]:
    result: list[Any] = []
    for item in items:
        if len(result) == limit:
            raise _too_many(limit)
        result.append(item)
    return result


def _too_many(limit: int) -> QueryFailed:
    return QueryFailed("limit", f"the result has more than {limit} rows or triples (PLANKG_RESULT_LIMIT); add a LIMIT")


def open_store(path: str) -> ox.Store:
    """The served store: the prepared on-disk store read-only, or (a ``.nq`` dump) a copy in this process's memory.

    In memory, the default graph is made the union of the named graphs, as in the on-disk store.
    """
    if not path.endswith(".nq"):
        return ox.Store.read_only(path)
    store = ox.Store()
    store.bulk_load(path=path, format=ox.RdfFormat.N_QUADS)
    union = (
        ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
        for q in ox.parse(path=path, format=ox.RdfFormat.N_QUADS)
    )
    store.bulk_extend(union)
    return store


class QueryRunner(Protocol):
    """Runs a client's query within the limits: the embedded pool of killable query processes
    (:class:`~plankg.domain.executor.QueryPool`) or a remote engine's slots (``RemotePool``)."""

    @property
    def killed(self) -> int:
        """How many query processes were killed and replaced (none for a remote engine)."""

    @property
    def broken(self) -> str | None:
        """Why queries cannot be answered now (the query processes cannot start), or None."""

    @property
    def pids(self) -> list[int]:
        """The query processes (none for a remote engine)."""

    def run(
        self, request: QueryRequest, timeout: float, queue_timeout: float, limit: float | None = None
    ) -> QueryAnswer:
        """The answer, or QueryFailed / QueryTimeout / Overloaded."""

    def check(self) -> None:
        """Raise (QueryFailed "unavailable", StoreUnavailable) when queries cannot be answered now."""

    def close(self) -> None:
        """Stop what runs the queries."""
