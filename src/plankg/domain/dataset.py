"""Reading RDF files and folders into one dataset, remembering which file said what.

Files are parsed with pyoxigraph (fast, and its syntax errors carry line and column). Triples of
triple formats go to the default graph (or to a graph the caller names), quads keep their graph.
Every subject is indexed to the files that assert triples about it, so that a validation report
can name the file a planner has to open (pyshacl does not know files; DESIGN §6).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode
from rdflib.term import Node

from plankg.domain.csvfiles import DataError
from plankg.domain.namespaces import DATA
from plankg.tables import project

#: File extension → pyoxigraph format, for every RDF syntax plankg reads.
RDF_EXTENSIONS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass
class Loaded:
    """Quads read from files, with the files that assert triples about each subject or in each graph."""

    quads: list[ox.Quad] = field(default_factory=list)
    files_by_node: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    files: list[Path] = field(default_factory=list)
    files_by_graph: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, quads: Iterable[ox.Quad], origin: str) -> None:
        """Add quads read from ``origin`` (a file name, or a table row)."""
        graphs = set()
        for quad in quads:
            self.quads.append(quad)
            self.files_by_node[node_key(quad.subject)].add(origin)
            graphs.add(quad.graph_name)
        for graph in graphs:
            self.files_by_graph[node_key(graph)].add(origin)

    def extend(self, other: Loaded) -> None:
        """Add everything ``other`` holds."""
        self.quads.extend(other.quads)
        self.files.extend(other.files)
        for mine, theirs in ((self.files_by_node, other.files_by_node), (self.files_by_graph, other.files_by_graph)):
            for key, files in theirs.items():
                mine[key].update(files)

    def files_for(self, node: Node) -> list[str]:
        """The files that assert triples about ``node`` (an rdflib term), sorted."""
        return sorted(self.files_by_node.get(node_key(node), ()))


def node_key(term: object) -> str:
    """A key shared by a pyoxigraph and an rdflib term for the same node."""
    if isinstance(term, (ox.BlankNode, BNode)):
        return "_:" + (term.value if isinstance(term, ox.BlankNode) else str(term))
    return str(term.value) if isinstance(term, ox.NamedNode) else str(term)


def iter_rdf_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Expand files and folders (recursively, by extension) in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in RDF_EXTENSIONS)
        elif path.is_file():
            if path.suffix not in RDF_EXTENSIONS:
                known = ", ".join(sorted(RDF_EXTENSIONS))
                raise DataError(f"unknown RDF format (known extensions: {known})", path)
            yield path
        else:
            raise DataError("no such file or folder", path)


def _stable_blank_nodes(quads: list[ox.Quad], content: bytes) -> list[ox.Quad]:
    """Blank nodes named by the file's content and their order in it.

    Distinct across files (as RDF merge requires) yet the same on every machine and every load, so
    that builds of the same data are byte for byte the same — and so are their ETags on replicas.
    """
    prefix = "b" + hashlib.sha256(content).hexdigest()[:12] + "x"
    names: dict[str, ox.BlankNode] = {}  # the parser's own labels are random: number them in parse order

    def rename(term: Any) -> Any:
        if not isinstance(term, ox.BlankNode):
            return term
        if term.value not in names:
            names[term.value] = ox.BlankNode(f"{prefix}{len(names)}")
        return names[term.value]

    if not any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object, q.graph_name)):
        return quads
    return [ox.Quad(rename(q.subject), q.predicate, rename(q.object), rename(q.graph_name)) for q in quads]


def read_file(path: Path, graph: ox.NamedNode | None = None) -> list[ox.Quad]:
    """Parse one RDF file; triples go to ``graph`` or the default graph."""
    fmt = RDF_EXTENSIONS[path.suffix]
    try:
        content = _local_jsonld(path) if fmt == ox.RdfFormat.JSON_LD else path.read_bytes()
        quads = _stable_blank_nodes(list(ox.parse(content, format=fmt)), content)
    except SyntaxError as error:
        raise DataError(f"parse error: {error}", path) from error
    except OSError as error:
        raise DataError(f"cannot read: {error}", path) from error
    if graph is None:
        return quads
    return [ox.Quad(q.subject, q.predicate, q.object, graph) if _in_default(q) else q for q in quads]


def _in_default(quad: ox.Quad) -> bool:
    return isinstance(quad.graph_name, ox.DefaultGraph)


def _local_jsonld(path: Path) -> bytes:
    """The JSON-LD document with plankg's own context inlined; remote contexts are refused.

    JSON-LD processors fetch remote ``@context`` URLs; plankg never makes outbound requests
    (DESIGN §5), so its own context is replaced by the local copy and any other URL is an error.
    """
    try:
        document = json.loads(path.read_bytes())
    except (ValueError, OSError) as error:
        raise DataError(f"parse error: {error}", path) from error
    return json.dumps(_inline_contexts(document, path)).encode()


def _inline_contexts(node: object, path: Path) -> object:
    if isinstance(node, list):
        return [_inline_contexts(item, path) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: _inline_contexts(value, path) for key, value in node.items()}
    if "@context" in node:
        result["@context"] = _resolve_context(node["@context"], path)
    return result


def _resolve_context(context: object, path: Path) -> object:
    if isinstance(context, list):
        return [_resolve_context(item, path) for item in context]
    if isinstance(context, str):
        if context == str(DATA["context.jsonld"]):
            return project.jsonld_context()["@context"]
        raise DataError(f"remote JSON-LD context {context!r} is not fetched", path)
    return context


def load_paths(paths: Iterable[Path], default_graph: ox.NamedNode | None = None) -> Loaded:
    """Read every RDF file in ``paths`` (files or folders)."""
    loaded = Loaded()
    for path in iter_rdf_files(paths):
        loaded.add(read_file(path, default_graph), str(path))
        loaded.files.append(path)
    return loaded
