"""Putting a dataset together: vocabulary, RDF files, and membership tables."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from plankg.domain.cooperations import load_cooperations
from plankg.domain.dataset import Loaded, load_paths
from plankg.domain.day_bounds import day_bounds
from plankg.domain.memberships import load_memberships
from plankg.domain.namespaces import DEF
from plankg.domain.rdf import iri
from plankg.tables import project
from plankg.tables.vocab import PREFIXES


def vocabulary_graph(path: Path) -> str:
    """The named graph a vocabulary file is served in: ``/def/{file stem}``."""
    return str(DEF[path.stem])


def load_vocabulary() -> Loaded:
    """The ontology and code lists, each file in a graph of its own."""
    loaded = Loaded()
    for path in project.vocabulary_files():
        loaded.extend(load_paths([path], iri(vocabulary_graph(path))))
    return loaded


def load_dataset(paths: Iterable[Path]) -> Loaded:
    """The vocabulary, every RDF file in ``paths``, the membership table of each folder, and the
    day bounds of every dated instant (derived, beside the source's value: see ``day_bounds``)."""
    paths = list(paths)
    loaded = load_vocabulary()
    loaded.extend(load_paths(paths))
    for folder in (p for p in paths if p.is_dir()):
        loaded.extend(load_cooperations(folder, _kinds(loaded), _municipality_codes(loaded)))
        loaded.extend(load_memberships(folder, loaded.quads))
    loaded.quads.extend(day_bounds(loaded.quads))  # about nodes whose files are already recorded
    return loaded


def load_project() -> Loaded:
    """The project's own dataset: vocabulary and everything under data/."""
    return load_dataset([project.data_dir()])


def _kinds(loaded: Loaded) -> set[str]:
    """The slugs of the cooperation kinds of the code list ``samarbejdstype``."""
    scheme = str(DEF["samarbejdstype"])
    in_scheme = "http://www.w3.org/2004/02/skos/core#inScheme"
    return {
        q.subject.value.rsplit("/", 1)[1]
        for q in loaded.quads
        if q.predicate.value == in_scheme and q.object == ox.NamedNode(scheme) and isinstance(q.subject, ox.NamedNode)
    }


def _municipality_codes(loaded: Loaded) -> set[str]:
    """The codes of the municipalities the dataset holds (their ``org:identifier``)."""
    identifier = "http://www.w3.org/ns/org#identifier"
    code_type = PREFIXES["plankg"] + "MunicipalityCode"
    return {
        q.object.value
        for q in loaded.quads
        if q.predicate.value == identifier and isinstance(q.object, ox.Literal) and q.object.datatype.value == code_type
    }
