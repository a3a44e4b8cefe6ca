"""Publishing a validated build into an existing SPARQL engine as a new version, and rolling back.

The data go into staging graphs with SPARQL Update, each graph's triple count is checked against
what was sent, and one update request then moves live → previous, staging → live and rewrites the
control graph: readers see the old version or the new one, never half of one (README "Over an
existing SPARQL engine"). Reading from the engine is ``remote``'s.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox

from plankg.domain.remote import (
    BUILT_AT,
    CONTROL,
    DEFAULT_GRAPH,
    DESCRIPTION,
    GRAPHS,
    LIVE,
    PREVIOUS,
    PREVIOUS_PREFIX,
    STAGING_PREFIX,
    VERSION,
    Endpoints,
    LiveVersion,
    RemoteStore,
    http,
    opener_for,
    read_version,
)
from plankg.domain.store import StoreUnavailable
from plankg.tables.queries import internal


def _quote(text: str) -> str:
    return json.dumps(text)  # a SPARQL string literal (JSON escapes are valid SPARQL escapes)


def publish(
    endpoints: Endpoints,
    quads: list[ox.Quad],
    version: str,
    built_at: str,
    description: list[ox.Triple],
    timeout: float = 120.0,
    progress: Any = None,
) -> LiveVersion:
    """Load ``quads`` as a new version, verify it, then switch to it in one transaction; keep the previous one."""
    opener = opener_for(endpoints)
    by_graph: dict[str, set[ox.Triple]] = {}
    for q in quads:
        graph = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else DEFAULT_GRAPH
        by_graph.setdefault(graph, set()).add(q.triple)
    counts = {g: len(t) for g, t in sorted(by_graph.items())}
    staged = {g: STAGING_PREFIX + g for g in counts} | {DESCRIPTION: STAGING_PREFIX + DESCRIPTION}
    contents = {**{g: sorted(by_graph[g], key=str) for g in counts}, DESCRIPTION: sorted(set(description), key=str)}
    for graph, name in staged.items():
        # SPARQL Update, in bodies of about 128 KB: with digest authentication an engine may refuse a
        # first, unauthenticated body before reading it all, and Virtuoso 7.2's Graph Store Protocol
        # rejects bodies with lines of 100 KB and more (the region geometries) as "text/plain".
        update(endpoints, opener, f"DROP SILENT GRAPH <{name}>", timeout)  # what an interrupted publish left
        blank = [t for t in contents[graph] if _has_blank_node(t)]
        for chunk in _chunks([t for t in contents[graph] if not _has_blank_node(t)]):
            if chunk:
                update(endpoints, opener, f"INSERT DATA {{ GRAPH <{name}> {{\n{chunk.decode('utf-8')}}} }}", timeout)
        if blank:  # not allowed in INSERT DATA by Virtuoso; one template keeps each blank node one node
            text = (ox.serialize(blank, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
            update(endpoints, opener, f"INSERT {{ GRAPH <{name}> {{\n{text}}} }} WHERE {{}}", timeout)
        if progress:
            progress(graph, len(contents[graph]))
    check = RemoteStore(endpoints, tuple(staged.values()), timeout)
    rows = check.query(internal("graph-counts"))
    assert isinstance(rows, ox.QuerySolutions)
    loaded = {row["g"].value.removeprefix(STAGING_PREFIX): int(row["n"].value) for row in rows}
    expected = {g: n for g, n in {**counts, DESCRIPTION: len(contents[DESCRIPTION])}.items() if n}
    if loaded != expected:
        wrong = {
            g: (expected.get(g), loaded.get(g)) for g in set(expected) | set(loaded) if expected.get(g) != loaded.get(g)
        }
        raise StoreUnavailable(f"the staged version does not hold what was sent (graph: sent, held): {wrong}")
    _switch(endpoints, opener, counts, version, built_at, timeout)
    return LiveVersion(version, built_at, counts)


def _has_blank_node(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def _chunks(triples: list[ox.Triple], size: int = 128 * 1024) -> Iterator[bytes]:
    """N-Triples in bodies of about ``size`` bytes (at least one, possibly empty)."""
    lines: list[bytes] = []
    length = 0
    for triple in triples:
        line = ox.serialize([triple], format=ox.RdfFormat.N_TRIPLES) or b""
        if lines and length + len(line) > size:
            yield b"".join(lines)
            lines, length = [], 0
        lines.append(line)
        length += len(line)
    yield b"".join(lines)


def _control_triples(subject: ox.NamedNode, version: str, built_at: str, counts: dict[str, int]) -> str:
    return (
        f"{subject} <{VERSION.value}> {_quote(version)} ; <{BUILT_AT.value}> {_quote(built_at)} ; "
        f"<{GRAPHS.value}> {_quote(json.dumps(counts, sort_keys=True))} ."
    )


def _switch(
    endpoints: Endpoints,
    opener: urllib.request.OpenerDirector,
    counts: dict[str, int],
    version: str,
    built_at: str,
    timeout: float,
) -> None:
    """One SPARQL Update request: live → previous, staging → live, the control graph rewritten."""
    live = read_version(endpoints, LIVE, timeout)
    previous = read_version(endpoints, PREVIOUS, timeout)
    old_graphs = set(live.graphs) | {DESCRIPTION} if live else set()
    operations = []
    for graph in sorted(set(previous.graphs) | {DESCRIPTION} if previous else set()):
        operations.append(f"DROP SILENT GRAPH <{PREVIOUS_PREFIX}{graph}>")
    for graph in sorted(old_graphs):
        operations.append(f"MOVE SILENT GRAPH <{graph}> TO GRAPH <{PREVIOUS_PREFIX}{graph}>")
    for graph in sorted({*counts, DESCRIPTION}):
        operations.append(f"MOVE SILENT GRAPH <{STAGING_PREFIX}{graph}> TO GRAPH <{graph}>")
    operations.append(f"DROP SILENT GRAPH <{CONTROL}>")
    control = _control_triples(LIVE, version, built_at, counts)
    if live:
        control += " " + _control_triples(PREVIOUS, live.version, live.built_at, live.graphs)
    operations.append(f"INSERT DATA {{ GRAPH <{CONTROL}> {{ {control} }} }}")
    update(endpoints, opener, " ;\n".join(operations), timeout)


def update(endpoints: Endpoints, opener: urllib.request.OpenerDirector, text: str, timeout: float) -> None:
    http(
        opener,
        endpoints.update,
        urllib.parse.urlencode({"update": text}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
        timeout,
    )


def rollback(endpoints: Endpoints, timeout: float = 120.0) -> LiveVersion:
    """Make the previous version live again (and the live one previous), in one transaction."""
    opener = opener_for(endpoints)
    live = read_version(endpoints, LIVE, timeout)
    previous = read_version(endpoints, PREVIOUS, timeout)
    if live is None or previous is None:
        raise StoreUnavailable("there is no previous version to roll back to")
    swap = "urn:plankg:swap:"
    operations = []
    for graph in sorted(set(live.graphs) | {DESCRIPTION}):
        operations.append(f"MOVE SILENT GRAPH <{graph}> TO GRAPH <{swap}{graph}>")
    for graph in sorted(set(previous.graphs) | {DESCRIPTION}):
        operations.append(f"MOVE SILENT GRAPH <{PREVIOUS_PREFIX}{graph}> TO GRAPH <{graph}>")
    for graph in sorted(set(live.graphs) | {DESCRIPTION}):
        operations.append(f"MOVE SILENT GRAPH <{swap}{graph}> TO GRAPH <{PREVIOUS_PREFIX}{graph}>")
    operations.append(f"DROP SILENT GRAPH <{CONTROL}>")
    control = _control_triples(LIVE, previous.version, previous.built_at, previous.graphs)
    control += " " + _control_triples(PREVIOUS, live.version, live.built_at, live.graphs)
    operations.append(f"INSERT DATA {{ GRAPH <{CONTROL}> {{ {control} }} }}")
    update(endpoints, opener, " ;\n".join(operations), timeout)
    return previous
