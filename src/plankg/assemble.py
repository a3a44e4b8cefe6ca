"""Putting a dataset together: vocabulary, RDF files, and membership tables."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from plankg import project
from plankg.dataset import Loaded, iter_rdf_files, read_file
from plankg.memberships import load_memberships
from plankg.namespaces import DEF
from plankg.rdf import iri


def vocabulary_graph(path: Path) -> str:
    """The named graph a vocabulary file is served in: ``/def/{file stem}``."""
    return str(DEF[path.stem])


def load_vocabulary() -> Loaded:
    """The ontology and code lists, each file in a graph of its own."""
    loaded = Loaded()
    for path in project.vocabulary_files():
        loaded.add(read_file(path, iri(vocabulary_graph(path))), str(path))
        loaded.files.append(path)
    return loaded


def load_dataset(paths: Iterable[Path]) -> Loaded:
    """The vocabulary, every RDF file in ``paths``, and the membership table of each folder."""
    paths = list(paths)
    loaded = load_vocabulary()
    for path in iter_rdf_files(paths):
        loaded.add(read_file(path), str(path))
        loaded.files.append(path)
    for folder in (p for p in paths if p.is_dir()):
        loaded.extend(load_memberships(folder, loaded.quads))
    return loaded


def load_project() -> Loaded:
    """The project's own dataset: vocabulary and everything under data/."""
    return load_dataset([project.data_dir()])
