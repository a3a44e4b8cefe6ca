"""SHACL validation of a dataset with plankg's shapes, reported so that a planner can act on it.

pyshacl validates the union of all graphs (DESIGN §6). Each result is turned into a
:class:`Finding` naming focus node, path, value, rule, message and the files that assert
triples about the node.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from plankg.domain.dataset import Loaded
from plankg.domain.namespaces import SH, SKOS
from plankg.domain.rdf import to_rdflib_graph
from plankg.tables import project
from plankg.tables.vocab import PREFIXES, PROFILE

_SEVERITY = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class Finding:
    """One validation result, in words."""

    severity: str
    focus: str
    label: str | None
    path: str | None
    value: str | None
    rule: str
    shape: str
    message: str
    files: list[str]

    def as_text(self) -> str:
        """A block of text for people."""
        focus = f"{self.focus} ({self.label})" if self.label else self.focus
        lines = [f"{self.severity}: {focus}"]
        for name, value in (("path", self.path), ("value", self.value)):
            if value is not None:
                lines.append(f"  {name + ':':9}{value}")
        lines.append(f"  {'rule:':9}{self.rule} in {self.shape}")
        lines.append(f"  {'message:':9}{self.message}")
        lines.append(f"  {'files:':9}{', '.join(self.files) or '(no file asserts triples about it)'}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Report:
    """The outcome of a validation."""

    findings: list[Finding]

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "Violation"]

    @property
    def conforms(self) -> bool:
        """True when there is no Violation (warnings do not fail)."""
        return not self.violations

    def as_dict(self) -> dict[str, object]:
        """The report as JSON-ready data."""
        return {
            "conforms": self.conforms,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "results": [asdict(f) for f in self.findings],
        }

    def as_text(self) -> str:
        """The report for people: each finding, then a summary line."""
        blocks = [f.as_text() for f in self.findings]
        verdict = "valid" if self.conforms else "INVALID"
        blocks.append(f"{verdict}: {len(self.violations)} violation(s), {len(self.warnings)} warning(s)")
        return "\n\n".join(blocks)


def load_shapes() -> Graph:
    """plankg's SHACL shapes."""
    return Graph().parse(project.shapes_file(), format="turtle")


def validate(loaded: Loaded, shapes: Graph | None = None) -> Report:
    """Validate the union of ``loaded``'s graphs against plankg's shapes."""
    data = to_rdflib_graph(loaded.quads)
    return validate_graph(data, loaded, shapes or load_shapes())


def validate_graph(data: Graph, loaded: Loaded, shapes: Graph) -> Report:
    """Validate an rdflib graph; ``loaded`` tells which files hold which node."""
    _, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True, advanced=True)
    findings = [_finding(results, shapes, data, loaded, r) for r in results.subjects(None, SH.ValidationResult)]
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    return Report(sorted(findings, key=lambda f: (order[f.severity], f.focus, f.path or "", f.rule, f.value or "")))


def _finding(results: Graph, shapes: Graph, data: Graph, loaded: Loaded, result: Node) -> Finding:
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    component = results.value(result, SH.sourceConstraintComponent)
    shape = results.value(result, SH.sourceShape)
    assert focus is not None and component is not None
    return Finding(
        severity=_severity(results.value(result, SH.resultSeverity)),
        focus=_show(focus),
        label=_label(data, focus),
        path=None if path is None else render_path(results, path),
        value=None if value is None else _show(value),
        rule=_show(component),
        shape=_shape_name(shapes, shape),
        message=_message(results, shapes, result),
        files=loaded.files_for(focus),
    )


def _severity(node: Node | None) -> str:
    return _SEVERITY.get(node, "Violation") if isinstance(node, URIRef) else "Violation"


def _message(results: Graph, shapes: Graph, result: Node) -> str:
    """The English message of a result (pyshacl drops the language of filled-in templates)."""
    messages = [m for m in results.objects(result, SH.resultMessage) if isinstance(m, Literal)]
    for message in messages:
        if (message.language or _template_language(shapes, str(message))) == "en":
            return str(message)
    return str(messages[0]) if messages else ""


def _template_language(shapes: Graph, text: str) -> str | None:
    """The language of the shapes' message template that ``text`` was filled in from."""
    for template in shapes.objects(None, SH.message):
        if isinstance(template, Literal) and template.language:
            pattern = ".*".join(re.escape(part) for part in re.split(r"\{[$?]\w+\}", str(template)))
            if re.fullmatch(pattern, text, flags=re.DOTALL):
                return template.language
    return None


def _label(data: Graph, node: Node) -> str | None:
    labels = list(data.objects(node, SKOS.prefLabel))
    for wanted in ("da", "en"):
        for label in labels:
            if isinstance(label, Literal) and label.language == wanted:
                return str(label)
    return None


def _shape_name(shapes: Graph, shape: Node | None) -> str:
    """The named shape a result comes from (walking up from blank property shapes)."""
    seen = 0
    while isinstance(shape, BNode) and seen < 10:
        parent = next(shapes.subjects(None, shape), None)
        if parent is None:
            # a shape inside an RDF list (sh:or, sh:xone): find the list's owner
            parent = _list_owner(shapes, shape)
        shape, seen = parent, seen + 1
    return _show(shape) if shape is not None else "(anonymous shape)"


def _list_owner(shapes: Graph, member: Node) -> Node | None:
    node: Node | None = next(shapes.subjects(URIRef(PREFIXES["rdf"] + "first"), member), None)
    while node is not None:
        owner = next(shapes.subjects(URIRef(PREFIXES["rdf"] + "rest"), node), None)
        if owner is None:
            return next(shapes.subjects(None, node), None)
        node = owner
    return None


def render_path(graph: Graph, path: Node) -> str:
    """A SHACL property path in SPARQL syntax, with prefixes."""
    if isinstance(path, URIRef):
        return _show(path)
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + render_path(graph, inverse)
    if graph.value(path, URIRef(PREFIXES["rdf"] + "first")) is not None:
        return "/".join(render_path(graph, step) for step in Collection(graph, path))
    return _show(path)


def _show(node: Node) -> str:
    """A node as people read it: a prefixed name where one fits, else the full IRI."""
    if isinstance(node, URIRef):
        for prefix, namespace in PREFIXES.items():
            if node.startswith(namespace) and "/" not in node[len(namespace) :]:
                return f"{prefix}:{node[len(namespace) :]}"
        if node.startswith(PROFILE):
            return "plankg-profile:" + node.split("#", 1)[1]
        return str(node)
    if isinstance(node, Literal):
        text = str(node)
        shown = text if len(text) <= 80 else text[:77] + "..."
        if node.language:
            return f'"{shown}"@{node.language}'
        if node.datatype:
            return f'"{shown}"^^{_show(node.datatype)}'
        return f'"{shown}"'
    return f"_:{node}"
