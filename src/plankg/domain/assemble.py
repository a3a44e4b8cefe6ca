"""Putting a dataset together: vocabulary, RDF files, and membership tables."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from plankg.domain.dataset import Loaded, load_paths
from plankg.domain.memberships import load_memberships
from plankg.domain.namespaces import DEF
from plankg.domain.rdf import iri
from plankg.tables import project


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
    """The vocabulary, every RDF file in ``paths``, and the membership table of each folder."""
    paths = list(paths)
    loaded = load_vocabulary()
    loaded.extend(load_paths(paths))
    for folder in (p for p in paths if p.is_dir()):
        loaded.extend(load_memberships(folder, loaded.quads))
    return loaded


def load_project() -> Loaded:
    """The project's own dataset: vocabulary and everything under data/."""
    return load_dataset([project.data_dir()])
