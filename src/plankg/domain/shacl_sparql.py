"""SHACL's SPARQL-based constraints (``sh:sparql``), each run once on the embedded engine.

pyshacl evaluates an ``sh:select`` once per focus node and parses the query with rdflib each
time: at 100k triples that took minutes. Here a constraint's query is evaluated once by
pyoxigraph over the union of the graphs, with the shape's focus nodes joined into the query's
top-level group as a subquery, so that the group's filters (``FILTER NOT EXISTS { $this … }``)
see ``$this`` bound as SHACL's pre-binding (§5.3) has it. The results are SHACL's: focus node
``$this``, value ``?value`` (else the focus node), path ``?path``, each solution once, messages
with ``{?var}`` filled in.

A constraint stays with pyshacl (its exact reference) when one query cannot express it: in a
property shape, in a shape that other shapes use (``sh:node`` and the like validate it on value
nodes), with a target other than a class, subjects, objects or node, or using ``$PATH``,
``$currentShape``, ``$shapesGraph`` or ``?failure``. Write ``$this`` in the top-level group of a
constraint's query (as plankg's shapes do): a nested group is evaluated before the join.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from plankg.domain.namespaces import SH
from plankg.domain.rdf import to_rdflib

_RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_RDF_FIRST = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#first")
_RDFS_CLASS = URIRef("http://www.w3.org/2000/01/rdf-schema#Class")
_TARGETS = {SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode}
#: Predicates through which a shape validates the value nodes of another shape.
_USES = (SH.node, SH.property, SH.qualifiedValueShape, SH["not"], _RDF_FIRST)
_UNSUPPORTED = re.compile(r"[$?](PATH|currentShape|shapesGraph|failure)\b")
_VARIABLE = re.compile(r"\{[?$](\w+)\}")
#: A long string, a string or a comment (each skipped whole), or a brace.
_BRACE_OR_SKIPPED = re.compile(
    r"\"\"\"(?:.|\n)*?\"\"\"|'''(?:.|\n)*?'''|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|#[^\n]*|\{"
)


@dataclass(frozen=True)
class Constraint:
    """One ``sh:sparql`` constraint of a node shape, ready to run."""

    shape: Node
    node: Node
    query: str
    severity: Node
    messages: tuple[Literal, ...]


@dataclass(frozen=True)
class Result:
    """One solution of a constraint, as a SHACL validation result."""

    constraint: Constraint
    focus: Node
    path: Node | None
    value: Node
    message: str


def split(shapes: Graph) -> tuple[Graph, list[Constraint]]:
    """The shapes without the constraints run here (for pyshacl), and those constraints."""
    rest = Graph()
    for triple in shapes:
        rest.add(triple)
    for prefix, namespace in shapes.namespaces():
        rest.bind(prefix, namespace, override=True)
    taken = []
    for shape, node in sorted(shapes.subject_objects(SH.sparql)):
        query = _query(shapes, shape, node)
        if query is not None:
            severity = shapes.value(shape, SH.severity) or SH.Violation
            messages = tuple(m for m in (*shapes.objects(node, SH.message), *shapes.objects(shape, SH.message)))
            taken.append(Constraint(shape, node, query, severity, tuple(m for m in messages if isinstance(m, Literal))))
            rest.remove((shape, SH.sparql, node))
    return rest, taken


def run(constraints: Iterable[Constraint], store: ox.Store) -> Iterator[Result]:
    """Every result of ``constraints`` over the union of ``store``'s graphs."""
    for constraint in constraints:
        seen: set[tuple[tuple[str, Node], ...]] = set()
        solutions = store.query(constraint.query, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            bound = tuple((name, to_rdflib(solution[name])) for name in names if solution[name] is not None)
            if bound not in seen:
                seen.add(bound)
                yield _result(constraint, dict(bound))


def _result(constraint: Constraint, bound: dict[str, Node]) -> Result:
    focus = bound["this"]
    bound.setdefault("value", focus)
    template = _english(constraint.messages)

    def fill(match: re.Match[str]) -> str:
        return str(bound.get(match.group(1), match.group(0)))

    message = _VARIABLE.sub(fill, template) if template is not None else ""
    return Result(constraint, focus, bound.get("path"), bound["value"], message)


def _english(messages: tuple[Literal, ...]) -> str | None:
    """The English message template, else one without a language, else the first."""
    for wanted in ("en", None):
        for message in messages:
            if message.language == wanted:
                return str(message)
    return str(messages[0]) if messages else None


def _query(shapes: Graph, shape: Node, node: Node) -> str | None:
    """The constraint's query with the shape's focus nodes joined in, or None to leave it to pyshacl."""
    select = shapes.value(node, SH.select)
    targets = _targets(shapes, shape)
    if (
        select is None
        or not targets
        or _UNSUPPORTED.search(str(select))
        or shapes.value(shape, SH.path) is not None
        or any(shapes.value(x, SH.deactivated) == Literal(True) for x in (shape, node))
        or any((None, p, shape) in shapes for p in _USES)
    ):
        return None
    where = _top_group(str(select))
    if where is None:
        return None
    focus = " UNION ".join(targets)
    text = str(select)
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in _prefixes(shapes, node))
    return f"{prologue}{text[: where + 1]} {{ SELECT DISTINCT ?this WHERE {{ {focus} }} }} {text[where + 1 :]}"


def _targets(shapes: Graph, shape: Node) -> list[str] | None:
    """Graph patterns binding ``?this`` to each focus node of ``shape`` (None if one cannot be written)."""
    patterns = []
    for predicate, target in shapes.predicate_objects(shape):
        if predicate == SH.target:
            return None
        if predicate == SH.targetClass or (predicate == _RDF_TYPE and target == _RDFS_CLASS):
            klass = shape if predicate == _RDF_TYPE else target
            patterns.append(f"{{ ?this a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* {_n3(klass)} }}")
        elif predicate == SH.targetSubjectsOf:
            patterns.append(f"{{ ?this {_n3(target)} [] }}")
        elif predicate == SH.targetObjectsOf:
            patterns.append(f"{{ [] {_n3(target)} ?this }}")
        elif predicate == SH.targetNode:
            patterns.append(f"{{ VALUES ?this {{ {_n3(target)} }} }}")
    return patterns


def _n3(term: Node) -> str:
    if not isinstance(term, (URIRef, Literal)):
        raise ValueError(f"a target must be an IRI or a literal: {term!r}")
    return term.n3()


def _prefixes(shapes: Graph, node: Node) -> Iterator[tuple[str, str]]:
    for owner in shapes.objects(node, SH.prefixes):
        for declaration in shapes.objects(owner, SH.declare):
            prefix, namespace = shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                yield str(prefix), str(namespace)


def _top_group(query: str) -> int | None:
    """The offset of the ``{`` that opens the query's WHERE clause (outside strings and comments)."""
    for match in _BRACE_OR_SKIPPED.finditer(query):
        if match.group(0) == "{":
            return match.start()
    return None
