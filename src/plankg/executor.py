"""Running SPARQL queries where a time limit can really stop them.

pyoxigraph cannot be interrupted inside the process that evaluates a query (DESIGN §5), so every
query runs in a worker process of a small pool. Each worker opens the prepared on-disk store
read-only; a query past its time limit gets its worker killed and replaced, and the request is
answered 503. Results are serialised in the worker, counting rows (or triples) against the
result limit, so nothing partial is ever sent as success. This module and what it imports in the
worker stay free of Flask and rdflib, so workers start fast and small.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from plankg.prefixes import PREFIXES
from plankg.sparql_results import write_boolean, write_solutions

#: How long a fresh worker may take to open the store before it counts as broken.
STARTUP_SECONDS = 60.0


class QueryTimeout(Exception):
    """The query ran past its time limit and was stopped."""


class Overloaded(Exception):
    """No worker became free in time."""


class QueryFailed(Exception):
    """The engine refused or failed the query; ``kind`` is ``syntax``, ``limit``, ``memory`` or ``engine``."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class QueryRequest:
    """One query and how to answer it."""

    text: str
    result_format: str = "json"
    rdf_media_type: str = "text/turtle"
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    base_iri: str | None = None


@dataclass(frozen=True)
class QueryAnswer:
    """A serialised answer and how many rows or triples it holds."""

    body: bytes
    count: int  # -1 where the rows were not counted (certainly within the limit)
    kind: str  # "solutions", "boolean" or "graph"


def execute(store: ox.Store, request: QueryRequest, result_limit: int) -> QueryAnswer:
    """Evaluate and serialise one query (in a worker); raise :class:`QueryFailed`."""
    options: dict[str, Any] = {}
    if request.default_graphs is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs]
    if request.named_graphs is not None:
        options["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
    try:
        results = store.query(request.text, base_iri=request.base_iri, **options)
        if isinstance(results, ox.QueryBoolean):
            return QueryAnswer(write_boolean(bool(results), request.result_format), 1, "boolean")
        if isinstance(results, ox.QuerySolutions):
            return _solutions(store, request, results, result_limit, options)
        triples = _bounded(iter(results), result_limit)
        rdf_format = ox.RdfFormat.from_media_type(request.rdf_media_type)
        body = ox.serialize(triples, format=rdf_format, prefixes=PREFIXES) or b""
        return QueryAnswer(body, len(triples), "graph")
    except SyntaxError as error:
        raise QueryFailed("syntax", f"SPARQL syntax error: {error}") from error
    except (OSError, RuntimeError, ValueError, TypeError) as error:
        raise QueryFailed("engine", f"the query could not be evaluated: {error}") from error


#: pyoxigraph's own writers, and the fewest bytes one result row takes in each format.
_NATIVE = {
    "json": (ox.QueryResultsFormat.JSON, 3),  # {},
    "xml": (ox.QueryResultsFormat.XML, 17),  # <result></result>
    "csv": (ox.QueryResultsFormat.CSV, 2),  # \r\n
    "tsv": (ox.QueryResultsFormat.TSV, 1),  # \n
}


def _solutions(
    store: ox.Store, request: QueryRequest, results: ox.QuerySolutions, limit: int, options: dict[str, Any]
) -> QueryAnswer:
    """SELECT results: written by pyoxigraph when they are certainly within the limit, else counted.

    An answer shorter than ``limit`` times the smallest possible row cannot hold more than ``limit``
    rows, so it is sent as written (the common case, in Rust). A longer one is evaluated again row by
    row and refused past the limit: nothing partial is ever sent.
    """
    native, smallest_row = _NATIVE[request.result_format]
    body = results.serialize(format=native) or b""
    if len(body) < smallest_row * limit:
        return QueryAnswer(body, -1, "solutions")
    again = store.query(request.text, base_iri=request.base_iri, **options)
    assert isinstance(again, ox.QuerySolutions)
    variables = [v.value for v in again.variables]
    rows = _bounded((list(map(solution.__getitem__, variables)) for solution in again), limit)
    return QueryAnswer(write_solutions(variables, rows, request.result_format), len(rows), "solutions")


def _bounded(items: Any, limit: int) -> list[Any]:
    result: list[Any] = []
    for item in items:
        if len(result) == limit:
            raise QueryFailed(
                "limit", f"the result has more than {limit} rows or triples (PLANKG_RESULT_LIMIT); add a LIMIT"
            )
        result.append(item)
    return result


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


def _memory_message(memory_bytes: int) -> str:
    return (
        f"the query needed more than {memory_bytes // (1024 * 1024)} MiB of memory (PLANKG_QUERY_MEMORY_MB)"
        " and was stopped; narrow it or add a LIMIT"
    )


def _worker_main(conn: Connection, store_path: str, result_limit: int, memory_bytes: int = 0) -> None:
    """A worker: cap its memory, open the store read-only, then answer requests until the pipe closes.

    The cap is on the data segment (``RLIMIT_DATA``: heap and anonymous mappings, not the store's
    mapped files); an allocation past it fails, and the engine aborts the process or raises
    MemoryError — either way the query is stopped and its worker replaced.
    """
    if memory_bytes:
        import resource

        resource.setrlimit(resource.RLIMIT_DATA, (memory_bytes, memory_bytes))
    store = open_store(store_path)
    conn.send(("ready",))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", execute(store, request, result_limit)))
        except QueryFailed as error:
            conn.send(("error", error.kind, str(error)))
        except MemoryError:
            conn.send(("error", "memory", _memory_message(memory_bytes)))
            return  # a worker that ran out of memory is replaced, not trusted again
        except Exception as error:  # anything else the engine raises: report it, keep serving
            conn.send(("error", "engine", f"{type(error).__name__}: {error}"))


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    ready: bool = False
    served: int = field(default=0)


class QueryPool:
    """A fixed number of query worker processes over one read-only store."""

    def __init__(self, store_path: Path, size: int, result_limit: int, memory_bytes: int = 0) -> None:
        self.store_path = store_path
        self.result_limit = result_limit
        self.memory_bytes = memory_bytes
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self.killed = 0
        for _ in range(size):
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_worker_main,
            args=(child, str(self.store_path), self.result_limit, self.memory_bytes),
            daemon=True,
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._all.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker (it may be running away) and put a fresh one in its place."""
        worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        with self._lock:
            self._all.discard(worker)
            self.killed += 1
        self._idle.put(self._start())

    def _wait_ready(self, worker: _Worker) -> None:
        if worker.ready:
            return
        if not worker.conn.poll(STARTUP_SECONDS):
            raise QueryFailed("engine", "a query worker did not start")
        message = worker.conn.recv()
        if message != ("ready",):
            raise QueryFailed("engine", f"a query worker sent {message!r} instead of ready")
        worker.ready = True

    def run(
        self, request: QueryRequest, timeout: float, queue_timeout: float, limit: float | None = None
    ) -> QueryAnswer:
        """Run ``request`` on a free worker within ``timeout`` seconds; wait at most ``queue_timeout`` for one.

        ``limit`` is the configured time limit to name in the message, when ``timeout`` is what is left of it.
        """
        try:
            worker = self._idle.get(timeout=queue_timeout)
        except queue.Empty as error:
            raise Overloaded(f"all {len(self._all)} query workers stayed busy for {queue_timeout:g} s") from error
        try:
            self._wait_ready(worker)
            started = time.monotonic()
            worker.conn.send(request)
            if not worker.conn.poll(timeout):
                self._retire(worker)
                raise QueryTimeout(
                    f"the query ran longer than {limit or timeout:g} s (PLANKG_QUERY_TIMEOUT) and was stopped"
                    f" after {time.monotonic() - started:.1f} s of evaluation"
                )
            reply = worker.conn.recv()
        except (EOFError, OSError) as error:
            worker.process.join(2)
            died = worker.process.exitcode
            self._retire(worker)
            if died is not None and died in (-6, 134) and self.memory_bytes:  # aborted: an allocation failed
                raise QueryFailed("memory", _memory_message(self.memory_bytes)) from error
            raise QueryFailed("engine", f"a query worker failed (exit {died}): {error}") from error
        except QueryFailed:
            self._retire(worker)
            raise
        except QueryTimeout:
            raise
        worker.served += 1
        if reply[0] == "error" and reply[1] == "memory":
            self._retire(worker)
        else:
            self._idle.put(worker)
        if reply[0] == "ok":
            answer: QueryAnswer = reply[1]
            return answer
        raise QueryFailed(reply[1], reply[2])

    @property
    def pids(self) -> list[int]:
        """The process ids of the workers (for memory measurements)."""
        with self._lock:
            return [w.process.pid for w in self._all if w.process.pid is not None]

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.conn.close()
            worker.process.kill()
            worker.process.join(5)
