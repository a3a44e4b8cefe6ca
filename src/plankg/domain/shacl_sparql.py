"""SHACL's SPARQL-based constraints (``sh:sparql``), each run once on the embedded engine.

pyshacl evaluates a constraint's query once per focus node and parses it with rdflib each time:
at 100k triples that took minutes. Here a constraint's query is evaluated once by
pyoxigraph over the union of the graphs, with the shape's focus nodes joined into the query's
top-level group as a subquery, so that the group's filters (``FILTER NOT EXISTS { $this … }``)
see ``$this`` bound as SHACL's pre-binding (§5.3) has it. The results are SHACL's: focus node
``$this``, value ``?value`` (else the focus node), path ``?path``, each solution once, messages
with their variables' placeholders filled in.

A constraint stays with pyshacl (its exact reference) when one query cannot express it: in a
property shape, in a shape that other shapes use (``sh:node`` and the like validate it on value
nodes), with a target other than a class, subjects, objects or node, using ``$PATH``,
``$currentShape``, ``$shapesGraph`` or ``?failure``, or a query whose answer for all focus nodes at
once is not the union of its answers for each (read by the guard's lexer: see :func:`_top_group`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from plankg.domain.guard import located_tokens, unescape
from plankg.domain.namespaces import SH
from plankg.domain.rdf import to_rdflib

_RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_RDF_FIRST = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#first")
_RDFS_CLASS = URIRef("http://www.w3.org/2000/01/rdf-schema#Class")
#: The ways a shape names its focus nodes (one whose object is a blank node is left to pyshacl).
_TARGET_KINDS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
#: Predicates through which a shape validates the value nodes of another shape.
_USES = (SH.node, SH.property, SH.qualifiedValueShape, SH["not"], _RDF_FIRST)
_UNSUPPORTED = re.compile(r"[$?](PATH|currentShape|shapesGraph|failure)\b")
_VARIABLE = re.compile(r"\{[?$](\w+)\}")
#: What makes a query's answer for every focus node at once differ from its answers for each one.
_PER_FOCUS = {
    "GROUP",
    "HAVING",
    "LIMIT",
    "OFFSET",
    "MINUS",
    "VALUES",
    "SERVICE",
    "COUNT",
    "SUM",
    "MIN",
    "MAX",
    "AVG",
    "SAMPLE",
    "GROUP_CONCAT",
}
#: What sees only its own group's bindings: with ``$this`` in a nested group, the focus node is not bound there.
_GROUP_BOUND = {"FILTER", "BIND", "EXISTS"}
_THIS = {"?this", "$this"}


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
        if predicate == SH.target or (predicate in _TARGET_KINDS and not isinstance(target, (URIRef, Literal))):
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
    assert isinstance(term, (URIRef, Literal))  # checked in _targets (a blank node is left to pyshacl)
    return term.n3()


def _prefixes(shapes: Graph, node: Node) -> Iterator[tuple[str, str]]:
    for owner in shapes.objects(node, SH.prefixes):
        for declaration in shapes.objects(owner, SH.declare):
            prefix, namespace = shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                yield str(prefix), str(namespace)


def _top_group(query: str) -> int | None:
    """The offset of the ``{`` that opens the WHERE clause, if the query gives each focus node the same
    answer when every focus node is joined into that group as when ``$this`` is pre-bound; else None.

    Read with the guard's lexer: the projection names ``$this`` (or ``*``); no aggregate, grouping,
    slice, subquery, MINUS, VALUES or SERVICE; ``$this`` in a nested group (OPTIONAL, UNION, GRAPH) only
    in triple patterns, since a FILTER, BIND or EXISTS there is evaluated before the join. A FILTER of
    the top-level group (with its EXISTS) sees the joined ``$this``.
    """
    if unescape(query) != query:
        return None
    found = located_tokens(query)
    words = [value.upper() for kind, value, _ in found if kind == "word"]
    opening = next((i for i, (kind, value, _) in enumerate(found) if (kind, value) == ("other", "{")), None)
    if opening is None or words.count("SELECT") != 1 or _PER_FOCUS & set(words):
        return None
    projection = {value for _, value, _ in found[:opening]}
    if not (projection & _THIS or "*" in projection):
        return None
    return found[opening][2] if _nested_groups_keep_this(found[opening + 1 :]) else None


def _nested_groups_keep_this(body: list[tuple[str, str, int]]) -> bool:
    """Whether no nested group of the top-level group uses ``$this`` in a FILTER, BIND or EXISTS."""
    depth, in_filter, group = 0, False, set[str]()
    for kind, value, _ in body:
        if depth == 0 and kind == "word" and value.upper() == "FILTER":
            in_filter = True  # a top-level FILTER's expression and its EXISTS groups see the focus node
        if value in ("{", "("):
            if depth == 0 and not in_filter:
                group = set()
            depth += 1
        elif value in ("}", ")"):
            depth -= 1
            if depth == 0 and in_filter:
                in_filter = False
            elif depth == 0 and group & _THIS and {v.upper() for v in group} & _GROUP_BOUND:
                return False
        elif depth > 0:
            group.add(value)
    return True
