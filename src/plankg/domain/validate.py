"""SHACL validation of a dataset with plankg's shapes, reported so that a planner can act on it.

The union of all graphs is validated (DESIGN §6): pyshacl checks the core constraints, and the
SPARQL-based constraints run once each on the embedded engine (:mod:`shacl_sparql`; pyshacl runs
them once per focus node, which took minutes at 100k triples). ``reference=True`` leaves every
constraint to pyshacl: the differential tests' reference. Each result is turned into a
:class:`Finding` naming focus node, path, value, rule, message and the files that assert
triples about the node. One rule is about named graphs, which shapes over the union cannot see: a
translation graph describes itself (:func:`translations.undescribed`); its finding names the graph and
the files that write into it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import pyoxigraph as ox
import pyshacl
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.collection import Collection
from rdflib.namespace import NamespaceManager, split_uri
from rdflib.term import Node

from plankg.domain import shacl_sparql, translations
from plankg.domain.dataset import Loaded
from plankg.domain.namespaces import SH, SKOS
from plankg.domain.rdf import to_rdflib_graph
from plankg.tables import project
from plankg.tables.vocab import PREFIXES, PROFILE

#: The rule of :func:`translations.undescribed`, named in its findings.
GRAPH_RULE = "plankg:SelfDescribedTranslationGraph"
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


def validate(loaded: Loaded, shapes: Graph | None = None, reference: bool = False) -> Report:
    """Validate the union of ``loaded``'s graphs against plankg's shapes (``reference``: all in pyshacl), and
    its graphs against the one rule about graphs: a translation graph describes itself (``translations``)."""
    shapes = shapes or load_shapes()
    core, constraints = (shapes, []) if reference else shacl_sparql.split(shapes)
    data = to_rdflib_graph(loaded.quads)
    data.namespace_manager = _Names(data)
    _, results, _ = pyshacl.validate(
        data, shacl_graph=core, inference="none", allow_warnings=True, advanced=True, inplace=True
    )
    findings = [_finding(results, shapes, data, loaded, r) for r in results.subjects(None, SH.ValidationResult)]
    if constraints:
        store = ox.Store()
        store.bulk_extend(loaded.quads)
        findings += [_sparql_finding(r, shapes, data, loaded) for r in shacl_sparql.run(constraints, store)]
    findings += [_graph_finding(graph, loaded) for graph in translations.undescribed(loaded.quads)]
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    return Report(
        sorted(findings, key=lambda f: (order[f.severity], f.focus, f.path or "", f.rule, f.value or "", f.message))
    )


def _graph_finding(graph: str, loaded: Loaded) -> Finding:
    """A translation graph that does not describe itself: a rule about graphs, which SHACL over the union cannot see."""
    return Finding(
        severity="Violation",
        focus=graph,
        label=None,
        path=None,
        value=None,
        rule=GRAPH_RULE,
        shape="translation graphs (plankg.domain.translations)",
        message=(
            "A translation graph says in itself that it is one: add "
            f"<{graph}> a prov:Entity (with its title, language and author) to the graph."
        ),
        files=sorted(loaded.files_by_graph.get(graph, ())),
    )


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


class _Names(NamespaceManager):
    """rdflib's names for nodes, without filing every namespace met in rdflib's prefix trie.

    pyshacl names every node it reports on, also in the results of ``sh:or`` and ``sh:xone``
    alternatives it then discards; rdflib files each new namespace (one per membership, interval
    and instant here) in a trie whose insertion grows with its size: at 100k triples that was
    a third of the validation. Only a namespace with a prefix can give a prefixed name.
    """

    def normalizeUri(self, rdfTerm: str) -> str:  # rdflib's name
        try:
            namespace, _ = split_uri(rdfTerm)
        except ValueError:
            return super().normalizeUri(rdfTerm)
        if self.store.prefix(URIRef(namespace)) is not None:
            return super().normalizeUri(rdfTerm)
        return f"?{rdfTerm}" if isinstance(rdfTerm, Variable) else f"<{rdfTerm}>"


def _sparql_finding(result: shacl_sparql.Result, shapes: Graph, data: Graph, loaded: Loaded) -> Finding:
    return Finding(
        severity=_severity(result.constraint.severity),
        focus=_show(result.focus),
        label=_label(data, result.focus),
        path=None if result.path is None else render_path(shapes, result.path),
        value=_show(result.value),
        rule=_show(SH.SPARQLConstraintComponent),
        shape=_shape_name(shapes, result.constraint.shape),
        message=result.message,
        files=loaded.files_for(result.focus),
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
