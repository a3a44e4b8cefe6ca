"""plankg over an existing SPARQL engine: reading (SPARQL 1.1 Protocol) and publishing (SPARQL 1.1 Update).

The engine holds the live version of the data under the canonical graph names, the previous
version under ``urn:plankg:previous:{graph}`` (for rollback) and a version being published under
``urn:plankg:staging:{graph}``; ``urn:plankg:control`` says which version is live, when it was
built and how many triples each graph holds. Every query plankg forwards names its dataset
(``default-graph-uri`` and ``named-graph-uri`` = the live graphs), because engines such as
Virtuoso otherwise answer over the union of *all* their graphs, staging and previous included.
The switch to a new version is one SPARQL Update request (one transaction): readers see the old
version or the new one, never half of one. plankg's limits stay plankg's: its time limit is the
HTTP request's, a remote error or absence is a 503, and results are counted against the result
limit here.
"""

from __future__ import annotations

import http.client as http_client
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from plankg.domain.config import Config
from plankg.domain.evaluate import QueryAnswer, QueryRequest
from plankg.domain.store import StoreUnavailable
from plankg.tables.queries import inject_values, internal
from plankg.tables.vocab import PREFIXES

CONTROL = "urn:plankg:control"
LIVE = ox.NamedNode("urn:plankg:live")
PREVIOUS = ox.NamedNode("urn:plankg:previous")
STAGING_PREFIX = "urn:plankg:staging:"
PREVIOUS_PREFIX = "urn:plankg:previous:"
DESCRIPTION = "urn:plankg:description"
#: Triples the data give outside any named graph: in the default graph of every query, never a named graph.
DEFAULT_GRAPH = "urn:plankg:default"
P = PREFIXES["plankg"]
VERSION = ox.NamedNode(P + "dataVersion")
BUILT_AT = ox.NamedNode(P + "builtAt")
GRAPHS = ox.NamedNode(P + "graphs")


class RemoteQueryError(Exception):
    """The remote engine rejected a query; ``syntax`` when it says the query is malformed."""

    def __init__(self, message: str, syntax: bool = False) -> None:
        super().__init__(message)
        self.syntax = syntax


@dataclass(frozen=True)
class Endpoints:
    """Where a remote store answers, and the credentials for writing (from the configuration)."""

    query: str
    update: str
    user: str = ""
    password: str = ""

    @classmethod
    def from_config(cls, config: Config, setting: str | None = None) -> Endpoints:
        """The engine of ``setting`` (``sparql:http://host:port/sparql``; default: the configured store),
        with the configured update URL and credentials."""
        query = (setting or config.store).removeprefix("sparql:")
        return cls(query, config.store_update_url or query, config.store_user, config.store_password)


def opener_for(endpoints: Endpoints) -> urllib.request.OpenerDirector:
    if not endpoints.user:
        return urllib.request.build_opener()
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, endpoints.update, endpoints.user, endpoints.password)
    return urllib.request.build_opener(
        urllib.request.HTTPDigestAuthHandler(passwords), urllib.request.HTTPBasicAuthHandler(passwords)
    )


def _allow_headers(data: bytes | None) -> None:
    """Let the answer carry a header for each graph the request names, and a hundred more.

    Virtuoso echoes every ``default-graph-uri`` and ``named-graph-uri`` of a request as a response header
    (``X-SPARQL-default-graph``, ``X-SPARQL-named-graph``), and Python's HTTP client refuses an answer with
    more than 100 headers (``http.client._MAXHEADERS``): with 47 graphs (synthetic data at 1M) every query,
    and so ``plankg publish``, failed with "got more than 100 headers". The limit is raised, never lowered.
    """
    if data is None:
        return
    graphs = data.count(b"default-graph-uri=") + data.count(b"named-graph-uri=")
    limit = graphs + 100
    if getattr(http_client, "_MAXHEADERS", limit) < limit:
        http_client._MAXHEADERS = limit  # type: ignore[attr-defined]


def http(
    opener: urllib.request.OpenerDirector,
    url: str,
    data: bytes | None,
    headers: dict[str, str],
    timeout: float,
    method: str | None = None,
) -> bytes:
    """One request to the engine; its absence is :class:`StoreUnavailable`, its refusal :class:`RemoteQueryError`."""
    _allow_headers(data)
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with opener.open(request, timeout=timeout) as response:
            body: bytes = response.read()
            state = response.headers.get("X-SQL-State", "")
            if state == "S1TAT":  # Virtuoso stopped the query at its time limit ("anytime"): the time ran out
                raise TimeoutError(
                    f"the engine stopped the query at its time limit ({response.headers.get('X-SQL-Message')})"
                )
            if state and state != "00000":  # another partial answer: never accepted as success
                raise RemoteQueryError(
                    f"the engine answered only in part ({state}: {response.headers.get('X-SQL-Message')})"
                )
            return body
    except urllib.error.HTTPError as error:
        message = error.read().decode("utf-8", "replace").strip()[:1000]
        if error.code in (400, 500) and ("SP030" in message or "syntax" in message.lower()):
            raise RemoteQueryError(message, syntax=True) from error
        if error.code >= 500 or error.code in (401, 403, 404):
            raise StoreUnavailable(f"the store at {url} answered {error.code}: {message[:300]}") from error
        raise RemoteQueryError(f"the store answered {error.code}: {message}") from error
    except TimeoutError:
        raise
    except (urllib.error.URLError, ConnectionError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise TimeoutError(str(reason)) from error
        raise StoreUnavailable(f"the store at {url} cannot be reached ({reason})") from error


VIRTUOSO_GEOMETRY = b"http://www.openlinksw.com/schemas/virtrdf#Geometry"
WKT_LITERAL = b"http://www.opengis.net/ont/geosparql#wktLiteral"


def _standard(body: bytes) -> bytes:
    """Virtuoso gives geo:wktLiteral values back typed as its own virtrdf:Geometry: type them as stored."""
    return body.replace(VIRTUOSO_GEOMETRY, WKT_LITERAL)


def _xml_boolean(value: bool) -> ox.QueryBoolean:
    body = f'<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/><boolean>{str(value).lower()}</boolean></sparql>'
    result = ox.parse_query_results(body.encode(), format=ox.QueryResultsFormat.XML)
    assert isinstance(result, ox.QueryBoolean)
    return result


#: How much earlier than plankg the engine is asked to stop a query, so that its own answer ("stopped at the
#: time limit") comes before plankg abandons the request.
ENGINE_MARGIN = 0.25


class RemoteStore:
    """The read side of a SPARQL engine, with the part of pyoxigraph's ``Store`` API plankg uses."""

    def __init__(self, endpoints: Endpoints, graphs: Iterable[str], timeout: float = 10.0) -> None:
        self.endpoints = endpoints
        self.graphs = tuple(g for g in graphs if g != DEFAULT_GRAPH)  # the named graphs
        self.timeout = timeout
        self.opener = opener_for(endpoints)

    def _post(
        self,
        text: str,
        accept: str,
        graphs: tuple[str, ...] | None = None,
        named: tuple[str, ...] | None = None,
        timeout: float | None = None,
    ) -> bytes:
        seconds = self.timeout if timeout is None else timeout
        params = [("query", text)]
        params += [("default-graph-uri", g) for g in ((*self.graphs, DEFAULT_GRAPH) if graphs is None else graphs)]
        params += [("named-graph-uri", g) for g in (self.graphs if named is None else named)]
        # The time limit is the engine's too: Virtuoso stops a query at ``timeout`` milliseconds (its "anytime"
        # timeout, at least 1000), a little before the client gives up, and answers in part, which is refused
        # below; without it an abandoned query went on working until the engine's own limit.
        params += [("timeout", str(max(1000, int((seconds - ENGINE_MARGIN) * 1000))))]
        return http(
            self.opener,
            self.endpoints.query,
            urllib.parse.urlencode(params).encode(),
            {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
            seconds,
        )

    def query(
        self,
        text: str,
        substitutions: dict[ox.Variable, Any] | None = None,
        default_graphs: tuple[str, ...] | None = None,
        named_graphs: tuple[str, ...] | None = None,
        timeout: float | None = None,
        form: str | None = None,
        **_: Any,
    ) -> ox.QuerySolutions | ox.QueryBoolean | Iterator[ox.Triple]:
        """Evaluate ``text`` at the engine over the live graphs (or the given dataset).

        ``form`` is the query's form when the guard has already read it (a client's query is read once).
        """
        from plankg.domain.guard import inspect_query

        text = inject_values(text, substitutions or {})
        form = form or inspect_query(text, frozenset(self.graphs)).form
        if form in ("CONSTRUCT", "DESCRIBE"):
            body = _standard(self._post(text, "application/n-triples", default_graphs, named_graphs, timeout))
            return iter([q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)])
        body = self._post(text, "application/sparql-results+xml", default_graphs, named_graphs, timeout)
        body = _standard(body.replace(b"<bnode>nodeID://", b"<bnode>"))  # Virtuoso's blank node labels
        result = ox.parse_query_results(body, format=ox.QueryResultsFormat.XML)
        if form == "ASK" and isinstance(result, ox.QuerySolutions):  # Virtuoso answers ASK as one integer row
            rows = list(result)
            value = rows[0][0].value if rows and rows[0][0] is not None else "0"
            return _xml_boolean(value not in ("0", "false"))
        return result

    def quads_for_pattern(self, subject: Any, predicate: Any, obj: Any, graph: Any = None) -> list[ox.Quad]:
        """Quads of the live graphs; as in plankg's embedded store, the default graph is their union (with
        ``graph`` None, the named graphs' quads and the union's come in one request)."""
        terms = {"s": subject, "p": predicate, "o": obj}
        pattern = " ".join(str(t) if t is not None else f"?{n}" for n, t in terms.items())
        free = [n for n, t in terms.items() if t is None]
        selected = " ".join(f"?{n}" for n in free)
        if graph is None:
            text = f"SELECT DISTINCT ?g {selected} WHERE {{ {{ GRAPH ?g {{ {pattern} }} }} UNION {{ {pattern} }} }}"
        elif isinstance(graph, ox.DefaultGraph):
            text = f"SELECT {'DISTINCT ' if free else ''}{selected or '*'} WHERE {{ {pattern} }}"
        else:
            text = f"SELECT {selected or '*'} WHERE {{ GRAPH {graph} {{ {pattern} }} }}"
        result = self.query(text)
        assert isinstance(result, ox.QuerySolutions)
        quads: list[ox.Quad] = []
        for row in result:
            values = {n: row[n] if n in free else terms[n] for n in ("s", "p", "o")}
            g = graph if graph is not None else row["g"] if row["g"] is not None else ox.DefaultGraph()
            quads.append(ox.Quad(values["s"], values["p"], values["o"], g))
        return quads

    def quads_for_nodes(
        self,
        nodes: list[ox.NamedNode],
        position: str,
        predicate: ox.NamedNode | tuple[ox.NamedNode, ...] | None = None,
        union_only: bool = False,
    ) -> list[ox.Quad]:
        """Quads with any of ``nodes`` as subject (``position`` "subject") or object, and one of the predicates
        (or any): one request per 500 nodes for the named graphs' quads and the union's (the default graph);
        ``union_only``: the union's alone."""
        predicates = (predicate,) if isinstance(predicate, ox.NamedNode) else predicate
        one = predicates[0] if predicates is not None and len(predicates) == 1 else None
        quads: list[ox.Quad] = []
        for start in range(0, len(nodes), 500):
            values = f"VALUES ?x {{ {' '.join(str(n) for n in nodes[start : start + 500])} }}"
            pattern = _pattern(position, predicates)
            free = ["?g", "?p" if one is None else "", "?o" if position == "subject" else "?s", "?x"]
            select = " ".join(v for v in free if v)
            if union_only:
                text = f"SELECT DISTINCT {select.replace('?g ', '')} WHERE {{ {values} {pattern} }}"
            else:  # the named graphs' quads, and the union's (?g unbound) in the same answer
                both = f"{{ GRAPH ?g {{ {pattern} }} }} UNION {{ {pattern} }}"
                text = f"SELECT DISTINCT {select} WHERE {{ {values} {both} }}"
            result = self.query(text)
            assert isinstance(result, ox.QuerySolutions)
            for row in result:
                x = row["x"]
                pred = one if one is not None else row["p"]
                other = row["o"] if position == "subject" else row["s"]
                g = row["g"] if not union_only and row["g"] is not None else ox.DefaultGraph()
                s, o = (x, other) if position == "subject" else (other, x)
                quads.append(ox.Quad(s, pred, o, g))
        return quads


def _pattern(position: str, predicates: tuple[ox.NamedNode, ...] | None) -> str:
    """The pattern of ``quads_for_nodes``: ``?x`` the node, ``?p`` the predicate unless there is one. Several
    predicates are a UNION of their patterns (in Virtuoso a ``VALUES ?p`` or ``FILTER (?p IN …)`` took 2.5–3
    times as long as one predicate; the UNION about as long)."""

    def one(p: str) -> str:
        return f"?x {p} ?o" if position == "subject" else f"?s {p} ?x"

    if predicates is None:
        return one("?p")
    if len(predicates) == 1:
        return one(str(predicates[0]))
    return " UNION ".join(f"{{ {one(str(p))} BIND ({p} AS ?p) }}" for p in predicates)


@dataclass(frozen=True)
class LiveVersion:
    """What ``urn:plankg:control`` says is live."""

    version: str
    built_at: str
    graphs: dict[str, int]  # graph → triples


def read_version(endpoints: Endpoints, which: ox.NamedNode = LIVE, timeout: float = 10.0) -> LiveVersion | None:
    """The live (or previous) version recorded in the control graph, or None when nothing is published."""
    store = RemoteStore(endpoints, (CONTROL,), timeout)
    rows = store.query(
        f"SELECT ?version ?built ?graphs WHERE {{ {which} <{VERSION.value}> ?version ; "
        f"<{BUILT_AT.value}> ?built ; <{GRAPHS.value}> ?graphs }}"
    )
    assert isinstance(rows, ox.QuerySolutions)
    found = list(rows)
    if not found:
        return None
    row = found[0]
    return LiveVersion(row["version"].value, row["built"].value, json.loads(row["graphs"].value))


class RemotePool:
    """Runs SPARQL requests at the remote engine with plankg's limits (the embedded QueryPool's interface)."""

    def __init__(self, store: RemoteStore, concurrency: int, result_limit: int) -> None:
        self.store = store
        self.result_limit = result_limit
        self._slots = threading.BoundedSemaphore(concurrency)
        self.size = concurrency
        self.killed = 0  # remote queries abandoned at the time limit
        self.pids: list[int] = []
        self.broken: str | None = None  # (the engine's own health is asked by /-/health)

    def over(self, store: RemoteStore) -> RemotePool:
        """The same slots and counts over another version's graphs (a new data version replaces the pool)."""
        pool = RemotePool(store, self.size, self.result_limit)
        pool._slots, pool.killed = self._slots, self.killed
        return pool

    def run(
        self, request: QueryRequest, timeout: float, queue_timeout: float, limit: float | None = None
    ) -> QueryAnswer:
        from plankg.domain.evaluate import QueryFailed, check_request
        from plankg.domain.executor import Overloaded, QueryTimeout

        started = time.monotonic()
        form = check_request(request)  # the guard is the only line here: the engine is not ours to sandbox
        left = timeout - (time.monotonic() - started)
        if left <= 0 or not self._slots.acquire(timeout=min(queue_timeout, left)):
            raise Overloaded(f"all {self.size} remote query slots stayed busy for {queue_timeout:g} s")
        try:
            return self._answer(request, timeout - (time.monotonic() - started), form)
        except TimeoutError as error:
            self.killed += 1
            raise QueryTimeout(
                f"the query ran longer than {limit or timeout:g} s (PLANKG_QUERY_TIMEOUT) and was abandoned"
                f" after {time.monotonic() - started:.1f} s"
            ) from error
        except StoreUnavailable as error:
            raise QueryFailed("unavailable", str(error)) from error
        except RemoteQueryError as error:
            raise QueryFailed("syntax" if error.syntax else "incomplete", str(error)) from error
        finally:
            self._slots.release()

    def _answer(self, request: QueryRequest, timeout: float, form: str | None) -> QueryAnswer:
        """Ask the engine, and write its answer with the embedded engine's writers, within the result limit."""
        from plankg.domain.evaluate import write_answer

        result = self.store.query(
            request.text,
            default_graphs=request.default_graphs,
            named_graphs=request.named_graphs,
            timeout=timeout,
            form=form,
        )
        return write_answer(result, request, self.result_limit)

    def check(self) -> None:
        """Ask the engine something cheap; a store that is away raises StoreUnavailable (or TimeoutError)."""
        self.store.query(internal("any-triple"), timeout=5.0)

    def close(self) -> None:
        """Nothing to stop: the engine is not ours."""
